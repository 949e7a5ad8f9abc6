package coffer.cli;

import coffer.engine.catalog.CatalogRebuild;
import coffer.engine.operation.*;

/** Renders the records of a server's catalog as text (policies, plans, groups, protections, tokens, vaults, capacity). Stateless. */
final class RenderCatalog {
    private RenderCatalog() {
    }

    static void text(Output out, Object result) {
        switch (result) {
            case PolicyList l -> {
                Table table = Table.of("ID", "NAME", "SCHEDULE", "KEEP", "IMMUTABLE", "PLANS").right(5);
                l.policies().forEach(p -> table.row(p.id(), p.name(), schedule(p), p.retention().keepFor(),
                        Boolean.TRUE.equals(p.immutable()), p.plans()));
                table.print(out);
                Render.more(out, l.nextCursor());
            }
            case PolicyView p -> policy(out, p);
            case PlanList l -> {
                Table table = Table.of("ID", "NAME", "INSTANCE", "POLICY", "STATE", "NEXT RUN", "LAST");
                l.plans().forEach(p -> table.row(p.id(), p.name(), p.instanceName(), p.policyName(), p.state(),
                        Output.time(p.nextRun()), p.lastOutcome() == null ? "" : p.lastOutcome().code()));
                table.print(out);
                Render.more(out, l.nextCursor());
            }
            case PlanView p -> plan(out, p);
            case GroupList l -> {
                Table table = Table.of("ID", "NAME", "HOST", "INSTANCES");
                l.groups().forEach(g -> table.row(g.id(), g.name(), g.host(),
                        String.join(",", g.instances().stream().map(m -> m.name() == null ? m.id() : m.name()).toList())));
                table.print(out);
                Render.more(out, l.nextCursor());
            }
            case GroupView g -> {
                out.line("Group %s (%s) on host %s", g.name(), g.id(), g.host());
                Table table = Table.rows("  ", 3);
                g.instances().forEach(m -> table.row(m.name() == null ? "?" : m.name(), m.id(), m.state()));
                table.print(out);
            }
            case ProtectionList l -> {
                Table table = Table.of("INSTANCE", "NAME", "VAULT", "DISKS");
                l.protections().forEach(p -> table.row(p.instance(), p.name() == null ? "" : p.name(),
                        p.vault(), p.allDisks() ? "all" : String.join(",", p.disks())));
                table.print(out);
                Render.more(out, l.nextCursor());
            }
            case ProtectionStopped s -> out.line("Stopped protecting %s; its %d point(s) are kept.", s.name(), s.pointsKept());
            case TokenList l -> {
                Table table = Table.of("ID", "NAME", "ROLE", "CREATED", "STATE");
                l.tokens().forEach(t -> table.row(t.id(), t.name(), t.role(), Output.time(t.createdAt()),
                        t.revokedAt() != null ? "revoked" : "live"));
                table.print(out);
                Render.more(out, l.nextCursor());
            }
            case CreatedToken t -> {
                out.line("Token %s (%s, role %s). Its secret, shown only now:", t.token().id(), t.token().name(), t.token().role());
                out.line("%s", t.secret());
            }
            case Revoked r -> out.line("Revoked token %s.", r.revoked());
            case VaultList l -> {
                Table table = Table.rows("", 2);
                l.vaults().forEach(v -> table.row(v.name(), v.path() + (v.encrypted() ? " (encrypted)" : " (NOT encrypted)")
                        + (v.isDefault() ? " [default]" : "")));
                table.print(out);
                // a vault whose storage did not answer at the server's last look (docs/server.md)
                l.vaults().stream().filter(v -> coffer.engine.vault.VaultState.UNAVAILABLE.equals(v.state()))
                        .forEach(v -> out.line("vault %s is unavailable (checked %s): %s", v.name(),
                                Output.time(v.checkedAt()), v.problem()));
            }
            case RebuildResult r -> r.vaults().forEach((vault, c) -> rebuilt(out, vault, c));
            case CapacityView c -> capacity(out, c);
            case coffer.engine.operation.RegionList l -> {
                Table table = Table.of("REGION", "VAULTS (DEFAULT FIRST)", "HOSTS");
                l.regions().forEach(r -> table.row(r.name(),
                        r.vaults().isEmpty() ? "-" : String.join(",", r.vaults()),
                        r.hosts().isEmpty() ? "-" : String.join(",", r.hosts())));
                table.print(out);
            }
            default -> out.json(result);
        }
    }

    private static void rebuilt(Output out, String vault, CatalogRebuild.Counts c) {
        out.line("Vault %s: %d point(s) rebuilt, %d instance(s) added as gone, %d image point(s) skipped, %d group point(s)"
                + " rebuilt, %d skipped (no group of that name)", vault, c.points(), c.instancesAdded(), c.skipped(),
                c.groupPoints(), c.groupPointsSkipped());
        c.unreadable().forEach(id -> out.line("  NOT RESTORED: point %s: its manifest cannot be read (its catalog row is"
                + " kept); see 'coffer vault verify'", id));
        c.lost().forEach(id -> out.line("  NOT RESTORED: point %s: its manifest is missing while its indexes remain (lost);"
                + " see 'coffer vault verify'", id));
        c.missing().forEach(id -> out.line("  NOT RESTORED: point %s: the catalog listed it, the vault holds nothing of it"
                + " (lost; its row is removed)", id));
        c.reappeared().forEach(id -> out.line("  NOT RESTORED: point %s: the catalog deleted it and it is in the vault again"
                + " (put back by someone with the storage?); adopt it only on purpose: 'coffer catalog rebuild --readopt %s'",
                id, id));
    }

    private static String schedule(PolicyView p) {
        return p.schedule().text() != null ? p.schedule().text() : Output.time(p.scheduleStart()) + " every " + p.scheduleInterval();
    }

    private static void policy(Output out, PolicyView p) {
        out.line("Policy %s (%s) of region %s", p.name(), p.id(), p.region());
        out.line("  schedule:    %s (first run %s, every %s, time zone %s)", schedule(p), Output.time(p.scheduleStart()),
                p.scheduleInterval(), p.zone());
        var r = p.retention();
        out.line("  retention:   keep %s%s%s", r.keepFor(), r.keepLatest() == null || r.keepLatest() == 0 ? ""
                        : ", the newest " + r.keepLatest(),
                r.calendar() == null || r.calendar().isEmpty() ? "" : ", the first of " + String.join(", ",
                        r.calendar().stream().map(c -> c.count() + " " + c.unit()).toList()));
        out.line("  immutable:   %s", Boolean.TRUE.equals(p.immutable()) ? "yes, until each point expires" : "no");
        var rep = p.replication();
        out.line("  replication: %s", rep == null || !Boolean.TRUE.equals(rep.enabled()) ? "off"
                : "to " + rep.destinationRegion() + "/" + rep.destinationVault() + ", kept " + rep.retention() + ", "
                + (rep.encryption() == null || rep.encryption().keyId() == null ? "encrypted as its vault (auto)"
                : "encrypted with key " + rep.encryption().keyId()));
        var a = p.archive();
        out.line("  archive:     %s", a == null || !Boolean.TRUE.equals(a.enabled()) ? "off"
                : "after " + a.afterDays() + " days (stored; not acted on yet)");
        var c = p.appConsistent();
        out.line("  consistency: %s", c == null || !c.enabled() ? "crash-consistent" : "application-consistent (freeze "
                + (c.freezeFileSystems() ? "on" : "off") + ", writers " + (c.includeWriters() ? "on" : "off")
                + ", scripts " + Values.format(c.scriptTimeout()) + ")");
        var d = p.drill();
        out.line("  drills:      %s", d == null ? "off" : "every " + d.every()
                + (d.check() == null || d.check().isEmpty() ? ", booting to the guest agent" : ", check " + String.join(" ", d.check())));
        out.line("  plans:       %d", p.plans());
    }

    private static void plan(Output out, PlanView p) {
        out.line("Plan %s (%s): %s bound to policy %s", p.name(), p.id(), p.instanceName(), p.policyName());
        out.line("  state:    %s, next run %s", p.state(), Output.time(p.nextRun()));
        if (p.lastOutcome() != null) {
            out.line("  last:     [%s] %s", p.lastOutcome().code(), p.lastOutcome().message());
            if (p.lastOutcome().remedy() != null) {
                out.line("  what to do: %s", p.lastOutcome().remedy());
            }
        }
    }

    private static void capacity(Output out, CapacityView c) {
        Table vaults = sizes("VAULT");
        c.vaults().forEach(v -> row(vaults, v.vault(), v.points(), v.logicalBytes(), v.storedBytes(), v.ratio()));
        vaults.print(out);
        out.line("");
        Table instances = sizes("INSTANCE");
        c.instances().forEach(i -> row(instances, i.name() == null ? i.instance() : i.name(), i.points(), i.logicalBytes(),
                i.storedBytes(), i.ratio()));
        instances.print(out);
        out.line("");
        Table disks = sizes("DISK");
        c.disks().forEach(d -> row(disks, d.instance().substring(0, Math.min(8, d.instance().length())) + "/" + d.disk(),
                d.points(), d.logicalBytes(), d.storedBytes(), d.ratio()));
        disks.print(out);
    }

    private static Table sizes(String what) {
        return Table.of(what, "POINTS", "LOGICAL", "STORED", "RATIO").right(1, 2, 3, 4);
    }

    private static void row(Table table, String name, long points, long logical, long stored, Double ratio) {
        table.row(name, points, Output.bytes(logical), Output.bytes(stored), ratio == null ? "-" : ratio + "x");
    }
}
