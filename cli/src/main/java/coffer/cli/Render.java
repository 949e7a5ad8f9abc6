package coffer.cli;

import coffer.engine.operation.*;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders every result record, once: as JSON ({@code --output json}, the record itself) or as text for people
 * (the same text offline and through a server, since both return the same records). The records of the catalog
 * (policies, plans, groups, protections, tokens, capacity) are rendered by {@link RenderCatalog}. Stateless.
 */
final class Render {
    private Render() {
    }

    static void result(CommonOptions common, Object result) {
        Output out = Cli.out();
        if (common.json()) {
            out.json(result);
        } else {
            text(out, result);
        }
    }

    private static void text(Output out, Object result) {
        switch (result) {
            case BackupResult r -> backup(out, r);
            case CloneResult r -> {
                out.line("Cloned as %s%s from point %s%s, which expires in one day", r.name(), r.started() ? " (started)" : "",
                        r.point(), r.replica() == null ? "" : " (restored from its replica " + r.replica() + ")");
                disks(out, r.disks());
                warnings(r.warnings());
            }
            case RestoreDiskResult r -> {
                out.line("Restored disk %s of point %s to %s", r.disk(), r.point(), r.file());
                if (r.write() != null) {
                    out.line("  %s", r.write().summary());
                }
            }
            case RestoreInstanceResult r -> restored(out, r);
            case ReplicateResult r -> out.line("Replicated point %s to vault %s of region %s as replica %s: %s",
                    r.point(), r.vault(), r.region(), r.replica(), r.alreadyThere() ? "it was there already"
                            : String.format(Locale.ROOT, "%d chunk(s) copied (%s), %s, %.1f s", r.chunksCopied(),
                            Output.bytes(r.bytesMoved()), ReplicateResult.reuse(r.chunksSkipped(), r.base()), r.seconds()));
            case GroupBackupResult r -> groupBackup(out, r.groupPoint(), r.group(), r.pauseMillis(), r.freezeMillis(),
                    r.members(), r.warnings());
            case GroupCloneResult r -> {
                groupBackup(out, r.groupPoint(), r.group(), r.pauseMillis(), r.freezeMillis(), r.members(), r.warnings());
                out.line("Cloned as (the group point expires in one day):");
                r.instances().forEach(i -> out.line("  %s%s", i.name(), i.started() ? " (started)" : ""));
            }
            case GroupRestoreResult r -> {
                out.line("Restored group point %s:", r.groupPoint());
                r.instances().forEach(i -> {
                    out.line("  %s from point %s%s", i.name(), i.point(), i.started() ? " (started)" : "");
                    Table writes = Table.rows("    ", 2);
                    i.writes().forEach((target, write) -> writes.row(target, write.summary()));
                    writes.print(out);
                });
            }
            case PointList l -> {
                points(out, l.points());
                l.damaged().forEach(d -> out.line("%s %s: %s; see 'coffer vault verify'", d.id(),
                        d.state().toUpperCase(Locale.ROOT), d.problem()));
                more(out, l.nextCursor());
            }
            case PointDetail p -> point(out, p);
            case Deleted d -> out.line("Deleted %s%s%s.", d.deleted(), d.name() == null ? "" : " (" + d.name() + ")",
                    d.pointsKept() == null ? "" : "; its " + d.pointsKept() + " point(s) are kept");
            case RetentionView r -> retention(out, r);
            case SweepResult r -> out.line("Retention deleted %d point(s)%s%s", r.deleted().size(),
                    r.deleted().isEmpty() ? "" : ": " + String.join(", ", r.deleted()),
                    r.failures().isEmpty() ? "" : "; failed: " + String.join("; ", r.failures()));
            case InstanceList l -> {
                l.instances().forEach(i -> instance(out, i));
                more(out, l.nextCursor());
            }
            case InstanceView i -> instance(out, i);
            case InstanceOverviewList l -> {
                Table table = Table.of("INSTANCE", "STATE", "HOST", "PROT", "PLAN", "POLICY", "NEXT RUN", "LAST POINT");
                l.instances().forEach(o -> overview(table, o));
                table.print(out);
                more(out, l.nextCursor());
            }
            case HostList l -> {
                Table table = Table.rows("", 2);
                l.hosts().forEach(h -> table.row(h.id(), h.uri() + l.agents().stream()
                        .filter(a -> a.hostId().equals(h.id())).findFirst()
                        .map(a -> "  (agent " + a.agent() + ", seen " + Output.time(a.seenAt()) + ")").orElse("")));
                table.print(out);
            }
            case JobView j -> job(out, j);
            case JobList l -> {
                Table table = Table.of("JOB", "TYPE", "INSTANCE", "STATE", "CREATED", "PROGRESS");
                l.jobs().forEach(j -> table.row(j.id(), j.type(), j.instanceName(), j.state(), Output.time(j.createdAt()),
                        progress(j)));
                table.print(out);
                more(out, l.nextCursor());
            }
            case JobLog l -> {
                l.entries().forEach(e -> out.line("%s %-7s %s", Output.time(e.at()), e.level(), e.message()));
                more(out, l.nextCursor());
            }
            case GroupPointList l -> {
                l.points().forEach(p -> groupPoint(out, p));
                more(out, l.nextCursor());
            }
            case MountView m -> out.line("Mounted disk %s of point %s into %s as %s (read-only) until %s; mount %s", m.disk(),
                    m.point(), m.instance(), m.target(), Output.time(m.expiresAt()), m.id());
            case MountList l -> {
                Table table = Table.of("MOUNT", "POINT", "DISK", "INSTANCE", "AS", "EXPIRES", "STATE");
                l.mounts().forEach(m -> table.row(m.id(), m.point(), m.disk(), m.instance(), m.target(),
                        Output.time(m.expiresAt()),
                        m.active() ? "active" : m.endReason().toLowerCase(Locale.ROOT) + " " + Output.time(m.endedAt())));
                table.print(out);
                more(out, l.nextCursor());
            }
            case MountResult r -> out.line("Mount %s of disk %s of point %s in %s (%s) ended: %s", r.mount(), r.disk(), r.point(),
                    r.instance(), r.target(), r.ended().toLowerCase(Locale.ROOT));
            case InstantRestoreResult r -> {
                out.line("Instant restore of point %s as instance %s: started after %.1f s, on local disks after %.1f s", r.point(),
                        r.name(), r.startedMillis() / 1000.0, r.localMillis() / 1000.0);
                disks(out, r.disks());
            }
            case FilesystemList l -> {
                out.line("partitions: %s", String.join(", ", l.partitions()));
                Table table = Table.rows("", 3);
                l.filesystems().forEach(f -> table.row(f.device(), f.type(), f.mountable() ? "" : "(not browsable)"));
                table.print(out);
            }
            case FileList l -> {
                // a guest's names may hold newlines and control characters: escaped, one entry a line
                Table table = Table.rows("", 6).right(1, 2, 3);
                l.files().forEach(f -> table.row(f.type().toLowerCase(Locale.ROOT), f.mode(), f.uid() + ":" + f.gid(), f.size(),
                        Output.time(f.modified()), f.shownName() + (f.linkTarget() == null ? "" : " -> " + f.shownLinkTarget())));
                table.print(out);
                more(out, l.nextCursor());
            }
            case FileSearchResult r -> fileSearch(out, r);
            case ExportResult r -> out.line("Export %s: %d file(s), %d director(ies), %d link(s) in %s, sha256 %s; downloadable until %s",
                    r.export(), r.files(), r.directories(), r.links(), Output.bytes(r.bytes()), r.sha256(), Output.time(r.expiresAt()));
            case ExportList l -> {
                Table table = Table.of("EXPORT", "POINT", "DISK", "STATUS", "SIZE", "EXPIRES", "PATHS").right(4);
                l.exports().forEach(e -> table.row(e.id(), e.point(), e.disk(), e.status(),
                        e.bytes() == null ? "-" : Output.bytes(e.bytes()), Output.time(e.expiresAt()), String.join(" ", e.paths())));
                table.print(out);
                more(out, l.nextCursor());
            }
            case ExportView e -> out.line("Export %s: %s%s", e.id(), e.status(),
                    e.deletedAt() == null ? "" : " (removed at " + Output.time(e.deletedAt()) + ")");
            case UnmountResult r -> out.line("Unmounted %s from %s (mount %s)", r.target(), r.instance(), r.mount());
            default -> RenderAssurance.text(out, result);
        }
    }

    /**
     * A file search grouped by path: "PATH: N version(s) in M point(s)", then one line per point (oldest first) with
     * its time, size, modification time, checksum and whether the content changed. Guest names are escaped so that
     * each is one line (docs/cli.md, "Files of a point").
     */
    private static void fileSearch(Output out, FileSearchResult r) {
        out.line("%d match(es) for '%s' under %s in %d point(s) of %s (%d appliance(s))%s", r.count(),
                coffer.engine.live.GuestNames.escape(r.name()), coffer.engine.live.GuestNames.escape(r.path()),
                r.pointsSearched(), r.instance(), r.appliances(), r.truncated() ? "; TRUNCATED: more matched, narrow --name or --path" : "");
        Map<String, List<FileSearchResult.Found>> byPath = new java.util.LinkedHashMap<>();
        r.matches().forEach(f -> byPath.computeIfAbsent(f.disk() + " " + f.filesystem() + " " + f.shownPath(),
                k -> new java.util.ArrayList<>()).add(f));
        byPath.forEach((key, found) -> {
            FileSearchResult.Found first = found.getFirst();
            out.line("%s (%s %s): %d version(s) in %d point(s)", first.shownPath(), first.disk(), first.filesystem(),
                    found.getLast().version(), found.size());
            Table table = Table.rows("  ", 7).right(3);
            found.forEach(f -> table.row(f.point(), Output.time(f.pointTime()),
                    f.type().toLowerCase(Locale.ROOT), f.size(), Output.time(f.modified()),
                    f.sha256() != null ? f.sha256().substring(0, 16) : f.linkTarget() != null ? "-> " + f.shownLinkTarget() : "-",
                    f.change().equals("same") ? "" : f.change().toUpperCase(Locale.ROOT)));
            table.print(out);
        });
        r.notes().forEach(n -> out.line("Note: %s", n));
    }

    /** The hint to the next page of a list, when there is one. */
    static void more(Output out, String nextCursor) {
        if (nextCursor != null) {
            out.line("More: the same command with --cursor %s", nextCursor);
        }
    }

    private static void backup(Output out, BackupResult r) {
        out.line("Point %s of %s: %d disk(s), %s%s", r.point(), r.name(), r.disks().size(), Output.bytes(r.logicalBytes()),
                r.description() == null ? "" : " (" + r.description() + ")");
        Table disks = Table.rows("  ", 2);
        for (BackupResult.BackedUpDisk d : r.disks()) {
            disks.row(d.target(), String.format(Locale.ROOT, "%s, %s: read %s, %d new chunk(s) storing %s%s", Output.bytes(d.size()),
                    d.mode(), Output.bytes(d.readBytes()), d.newChunks(), Output.bytes(d.newStoredBytes()),
                    d.reason() == null ? "" : " (" + d.reason() + ")"));
        }
        r.skipped().forEach(s -> disks.row(s.target(), "skipped: " + s.reason()));
        disks.print(out);
        out.line("  consistency: %s", consistency(r.consistency(), r.freezeMillis(), r.consistencyReason()));
        warnings(r.warnings());
    }

    /** "APPLICATION (file systems frozen 169 ms)", "FILESYSTEM: reason": the level, the freeze window, why lower. */
    static String consistency(String level, Long freezeMillis, String reason) {
        return level + (freezeMillis == null ? "" : " (file systems frozen " + freezeMillis + " ms)")
                + (reason == null ? "" : ": " + reason);
    }

    private static void restored(Output out, RestoreInstanceResult r) {
        out.line("Restored point %s as instance %s%s", r.point(), r.name(), r.started() ? " (started)" : "");
        disks(out, r.disks());
        Table writes = Table.rows("  ", 2);
        r.writes().forEach((target, write) -> writes.row(target, write.summary()));
        writes.print(out);
    }

    private static void disks(Output out, Map<String, String> disks) {
        Table table = Table.rows("  ", 2);
        disks.forEach(table::row);
        table.print(out);
    }

    private static void warnings(List<String> warnings) {
        warnings.forEach(w -> Cli.err().println("warning: " + w));
    }

    private static void groupBackup(Output out, String id, String group, long pause, Long freeze,
                                    List<GroupBackupResult.Member> members, List<String> warnings) {
        out.line("Group point %s of %s: %d member(s) paused %d ms%s", id, group, members.size(), pause,
                freeze == null ? "" : ", frozen " + freeze + " ms");
        Table table = Table.rows("  ", 3);
        members.forEach(m -> table.row(m.instance(), "point " + m.point(), consistency(m.consistency(), null, m.consistencyReason())));
        table.print(out);
        warnings(warnings);
    }

    private static void points(Output out, List<PointView> points) {
        Table table = Table.of("ID", "INSTANCE", "REGION", "CREATED", "CONSISTENCY", "SIZE", "STORED", "EXPIRES",
                "CONSISTENCY REASON").right(5, 6);
        for (PointView p : points) {
            table.row(p.id(), p.instanceName(), p.region(), Output.time(p.createdAt()),
                    p.consistency(), Output.bytes(p.logicalBytes()), Output.bytes(p.storedBytes()),
                    p.expiresAt() == null ? "never" : Output.time(p.expiresAt()) + ("expired".equals(p.status()) ? " (expired)" : ""),
                    p.consistencyReason() == null ? "" : p.consistencyReason());
        }
        table.print(out);
    }

    private static void point(Output out, PointDetail p) {
        out.line("Point:       %s", p.id());
        out.line("Vault:       %s (region %s)", p.vault(), p.region());
        if (p.replicaOf() != null) {
            out.line("Replica of:  point %s of vault %s (region %s)", p.replicaOf().point(), p.replicaOf().vault(),
                    p.replicaOf().region());
        }
        out.line("Instance:    %s%s", p.instanceName(), p.instance() == null ? "" : " (" + p.instance() + ")");
        out.line("Created:     %s", Output.time(p.createdAt()));
        out.line("Status:      %s", p.status());
        if (p.description() != null) {
            out.line("Description: %s", p.description());
        }
        out.line("Consistency: %s", consistency(p.consistency(), p.freezeMillis(), p.consistencyReason()));
        out.line("Size:        %s logical, %s stored", Output.bytes(p.logicalBytes()), Output.bytes(p.storedBytes()));
        out.line("Expires:     %s", p.expiresAt() == null ? "never" : Output.time(p.expiresAt()));
        out.line("Parent:      %s", p.parent() == null ? "(none: first point of this name)" : p.parent());
        for (PointDetail.Disk d : p.disks()) {
            out.line("Disk %s: %s (%d bytes) from %s [%s]%s; %d data chunk(s), %d new, %s stored new; read %s", d.target(),
                    Output.bytes(d.logicalBytes()), d.logicalBytes(), d.source(), d.format(),
                    d.mode() == null ? "" : ", " + d.mode() + (d.reason() == null ? "" : " (" + d.reason() + ")"),
                    d.dataChunks(), d.newChunks(), Output.bytes(d.storedBytes()), Output.bytes(d.readBytes()));
        }
        p.skipped().forEach(s -> out.line("Skipped disk %s: %s", s.target(), s.reason()));
        for (PointDetail.Replication r : p.replications()) {
            out.line("Replication to %s/%s: %s%s%s", r.region(), r.vault(), r.state(),
                    r.replica() == null ? "" : ", replica " + r.replica(),
                    r.errorCode() == null || "DONE".equals(r.state()) ? "" : ", [" + r.errorCode() + "] " + r.error()
                            + " (attempt " + r.attempts() + (r.retryAt() == null ? ", not retried" : ", retried at " + Output.time(r.retryAt())) + ")");
        }
    }

    private static void retention(Output out, RetentionView r) {
        out.line("Point %s (%s%s): %s", r.point(), r.origin().toLowerCase(Locale.ROOT),
                r.immutable() ? ", immutable" : "", !r.kept() ? "expired"
                        : r.expiresAt() == null ? "kept with no end" : "kept until " + Output.time(r.expiresAt()));
        out.line("  own expiry: %s", r.expiry().kind() + (r.expiry().until() == null ? "" : " " + Output.time(r.expiry().until())));
        r.reasons().forEach(reason -> out.line("  kept by:    %s%s", reason.rule(), reason.until() == null ? ""
                : " (until " + Output.time(reason.until()) + ")"));
    }

    private static void instance(Output out, InstanceView i) {
        // the domain's name escaped as a table's cell is (Table, GuestNames.escapeControls): it may hold any control
        out.line("%s  %s  %s  host %s%s", coffer.engine.live.GuestNames.escapeControls(i.name()), i.state(), i.id(), i.host(),
                i.isProtected() ? "  [protected]" : "");
        Table disks = Table.rows("    ", 6).right(3, 4);
        for (InstanceView.DiskView d : i.disks()) {
            disks.row(d.target(), d.device(), d.format(), Output.bytes(d.virtualSize()) + " virtual",
                    Output.bytes(d.allocatedSize()) + " allocated", (d.source() == null ? "(empty)" : d.source())
                            + (d.supported() ? "" : "  [not backed up: " + d.unsupportedReason() + "]"));
        }
        disks.print(out);
    }

    /** One line of an instance overview: its plan (or '-') and its newest point, with when and how consistent. */
    private static void overview(Table table, InstanceOverviewList.Overview o) {
        InstanceView i = o.instance();
        PlanView plan = o.plans().isEmpty() ? null : o.plans().getFirst();
        PointView last = o.last();
        table.row(i.name(), i.state(), i.host(), i.isProtected() ? "yes" : "no",
                plan == null ? "-" : plan.name() + (plan.state() == coffer.engine.catalog.Plan.State.active ? ""
                        : " (" + plan.state() + ")"),
                plan == null ? "-" : plan.policyName(), plan == null ? "-" : Output.time(plan.nextRun()),
                last == null ? "none" : last.id() + " (" + Output.time(last.createdAt()) + ", " + last.consistency() + ")");
    }

    /**
     * A job's result as the command that ran it prints it (what {@code coffer backup --wait} shows), or null when it does
     * not read as its type's record (a row of an older version): then the JSON is shown as it is.
     */
    static List<String> resultLines(JobView j) {
        Object typed;
        try {
            typed = coffer.engine.json.CofferJson.read(j.result(), j.type().result());
        } catch (RuntimeException unreadable) {
            return null;
        }
        try {
            return lines(typed);
        } catch (RuntimeException noText) {
            return null;
        }
    }

    /** The text of a result record, line by line, as a command prints it. */
    static List<String> lines(Object result) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.PrintStream stream = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8)) {
            text(new Output(stream), result);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }

    private static void job(Output out, JobView j) {
        out.line("Job %s: %s of %s", j.id(), j.type(), j.instanceName() == null ? j.target()
                : j.instanceName() + " (" + j.target() + ")");
        out.line("  state:    %s", j.state());
        out.line("  progress: %s", progress(j));
        out.line("  created:  %s", Output.time(j.createdAt()));
        if (j.finishedAt() != null) {
            out.line("  finished: %s", Output.time(j.finishedAt()));
        }
        if (j.result() != null && !j.result().isNull()) {
            List<String> shown = resultLines(j);
            if (shown == null) {
                out.line("  result:   %s", j.result());
            } else {
                out.line("  result:");
                shown.forEach(line -> out.line("    %s", line));
            }
        }
        if (j.error() != null) {
            out.line("  error:    [%s] %s", j.error().code(), j.error().message());
        }
        if (!j.state().isFinal()) {
            out.line("Follow it with 'coffer job wait %s'.", j.id());
        }
    }

    static String progress(JobView job) {
        JobView.Progress p = job.progress();
        if (p.bytesTotal() <= 0) {
            return p.bytesDone() > 0 ? Output.bytes(p.bytesDone()) : "-";
        }
        String text = Output.bytes(p.bytesDone()) + " / " + Output.bytes(p.bytesTotal())
                + String.format(Locale.ROOT, " (%d%%)", p.bytesDone() * 100 / p.bytesTotal());
        if (p.bytesPerSecond() > 0 && job.state() == coffer.engine.job.JobState.running) {
            long eta = Math.max(0, p.etaSeconds());
            text += String.format(Locale.ROOT, " %.0f MB/s ETA %d:%02d", p.bytesPerSecond() / 1e6, eta / 60, eta % 60);
        }
        return text;
    }

    private static void groupPoint(Output out, GroupPointView p) {
        out.line("%s  %s  %s  %s, paused %d ms%s%s", p.id(), p.groupName(), Output.time(p.instant()), p.mode(), p.pauseMillis(),
                p.freezeMillis() == null ? "" : ", frozen " + p.freezeMillis() + " ms", p.complete() ? "" : "  INCOMPLETE");
        Table table = Table.rows("  ", 3);
        p.members().forEach(m -> table.row(m.instanceName() == null ? m.instance() : m.instanceName(),
                "point " + m.point(), m.consistency() == null ? "missing" : m.consistency()));
        table.print(out);
    }
}
