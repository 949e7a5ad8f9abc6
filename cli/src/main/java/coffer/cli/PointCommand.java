package coffer.cli;

import coffer.engine.error.Errors;
import coffer.engine.instance.PointAttributes;
import coffer.engine.vault.VaultOpener;
import coffer.engine.policy.PointDeletion;
import coffer.vault.PointListing;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer point list|show|delete}. */
@Command(name = "point", description = "List, show and delete points.", mixinStandardHelpOptions = true,
        subcommands = {PointCommand.ListPoints.class, PointCommand.Show.class, PointCommand.Delete.class,
                PointExtendCommand.class})
final class PointCommand {

    /** "APPLICATION (file systems frozen 169 ms)", "FILESYSTEM: reason", …: the level, why lower, the freeze window. */
    static String consistency(PointManifest p) {
        String reason = p.attributes().get(PointAttributes.CONSISTENCY_REASON);
        String frozen = p.attributes().get(PointAttributes.FREEZE_MILLIS);
        return p.consistency() + (frozen == null ? "" : " (file systems frozen " + frozen + " ms)")
                + (reason == null ? "" : ": " + reason);
    }

    @Command(name = "list", description = "Points in the vault, oldest first.", mixinStandardHelpOptions = true)
    static final class ListPoints implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Option(names = "--name", paramLabel = "NAME", description = "Only points of this name.") String name;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            if (vaultOption.vault == null && server.client().isPresent()) {
                var answer = server.client().orElseThrow().get("/api/v1/points", java.util.Collections.singletonMap("instance", name));
                if (common.json()) {
                    Cli.out().json(answer);
                    return 0;
                }
                Cli.out().line("%-26s %-20s %-20s %-11s %10s %10s %s", "ID", "INSTANCE", "CREATED (UTC)", "CONSISTENCY", "SIZE", "STORED", "EXPIRES");
                for (var p : answer.path("points")) {
                    Cli.out().line("%-26s %-20s %-20s %-11s %10s %10s %s", p.path("id").asText(), p.path("instanceName").asText(),
                            p.path("createdAt").asText().replace('T', ' ').replaceAll("\\..*|Z$", ""), p.path("consistency").asText(),
                            Output.bytes(p.path("logicalBytes").asLong()), Output.bytes(p.path("storedBytes").asLong()),
                            p.hasNonNull("expiresAt") ? p.path("expiresAt").asText() : "never");
                }
                return 0;
            }
            try (Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require())) {
                PointListing listing = vault.listPoints();
                List<PointManifest> points = listing.points().stream().filter(p -> name == null || p.name().equals(name)).toList();
                if (common.json()) {
                    Cli.out().json(points);
                    damaged(listing).forEach(line -> Cli.err().println(line));
                } else {
                    Cli.out().line("%-26s %-20s %-20s %-11s %5s %10s  %s", "ID", "NAME", "CREATED (UTC)", "CONSISTENCY",
                            "DISKS", "SIZE", "CONSISTENCY REASON");
                    for (PointManifest p : points) {
                        String reason = p.attributes().get(PointAttributes.CONSISTENCY_REASON);
                        Cli.out().line("%-26s %-20s %-20s %-11s %5d %10s  %s", p.id(), p.name(),
                                p.createdAt().toString().substring(0, 19).replace('T', ' '), p.consistency(),
                                p.disks().size(), Output.bytes(p.logicalBytes()), reason == null ? "" : reason);
                    }
                    damaged(listing).forEach(line -> Cli.out().line("%s", line));
                }
                return 0;
            } catch (IOException e) {
                throw Errors.classify(e);
            }
        }
    }

    /** One line per point whose manifest does not read or is lost (of any name: their names are unknown). */
    static List<String> damaged(PointListing listing) {
        List<String> lines = new java.util.ArrayList<>();
        for (PointListing.Unreadable u : listing.unreadable()) {
            lines.add(String.format("%-26s DAMAGED: its manifest cannot be read (%s); see 'coffer vault verify'", u.pointId(),
                    u.problem()));
        }
        for (PointListing.Lost l : listing.lost()) {
            lines.add(String.format("%-26s LOST: its manifest is missing, %d object(s) remain; see 'coffer vault verify'",
                    l.pointId(), l.objects().size()));
        }
        return lines;
    }

    @Command(name = "show", description = "One point with its disks.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Parameters(paramLabel = "POINT", description = "Point id, unique id prefix, or name (its newest point).") String point;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            if (vaultOption.vault == null && server.client().isPresent()) {
                var p = server.client().orElseThrow().get("/api/v1/points/" + ApiClient.segment(point));
                if (common.json()) {
                    Cli.out().json(p);
                    return 0;
                }
                Cli.out().line("Point:       %s", p.path("id").asText());
                Cli.out().line("Instance:    %s (%s)", p.path("instanceName").asText(), p.path("instance").asText());
                Cli.out().line("Created:     %s", p.path("createdAt").asText());
                Cli.out().line("Status:      %s", p.path("status").asText());
                Cli.out().line("Consistency: %s", p.path("consistency").asText());
                Cli.out().line("Size:        %s logical, %s stored", Output.bytes(p.path("logicalBytes").asLong()),
                        Output.bytes(p.path("storedBytes").asLong()));
                Cli.out().line("Expires:     %s", p.hasNonNull("expiresAt") ? p.path("expiresAt").asText() : "never");
                for (var d : p.path("disks")) {
                    Cli.out().line("Disk %s: %s logical, %s stored", d.path("target").asText(),
                            Output.bytes(d.path("logicalBytes").asLong()), Output.bytes(d.path("storedBytes").asLong()));
                }
                return 0;
            }
            try (Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require())) {
                PointManifest p = vault.resolve(point);
                if (common.json()) {
                    Cli.out().json(p);
                    return 0;
                }
                Output out = Cli.out();
                out.line("Point:       %s", p.id());
                out.line("Name:        %s", p.name());
                out.line("Created:     %s", p.createdAt());
                out.line("Consistency: %s", consistency(p));
                out.line("Parent:      %s", p.parent() == null ? "(none: first point of this name)" : p.parent());
                for (PointManifest.Disk d : p.disks()) {
                    out.line("Disk %s: %s (%s) from %s [%s]; %d data chunk(s), %d new, %s stored new; read %s",
                            d.name(), Output.bytes(d.size()), d.size() + " bytes", d.source(), d.sourceFormat(),
                            d.dataChunks(), d.newChunks(), Output.bytes(d.newStoredBytes()), Output.bytes(d.readBytes()));
                }
                for (PointManifest.SkippedDisk s : p.skipped()) {
                    out.line("Skipped disk %s: %s", s.name(), s.reason());
                }
                return 0;
            } catch (IOException e) {
                throw Errors.classify(e);
            }
        }
    }

    /** The manifest of point {@code id}, or null when it does not read or is gone (what remains may be deleted). */
    private static PointManifest readable(Vault vault, String id) throws IOException {
        try {
            return vault.point(id);
        } catch (coffer.vault.CorruptDataException | coffer.vault.UnsupportedFormatException | coffer.vault.PointNotFoundException e) {
            return null;
        }
    }

    @Command(name = "delete", description = "Delete a point (its chunks are reclaimed by 'coffer vault gc'); offline,"
            + " a point made under an immutable policy is refused (the server decides when it expires).",
            mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Parameters(paramLabel = "POINT", description = "The exact point id.") String point;
        @Mixin ServerOption server;

        @Override
        public Integer call() {
            if (vaultOption.vault == null && server.client().isPresent()) {
                var answer = server.client().orElseThrow().delete("/api/v1/points/" + ApiClient.segment(point));
                if (common.json()) {
                    Cli.out().json(answer);
                } else {
                    Cli.out().line("Deleted point %s.", point);
                }
                return 0;
            }
            try (Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require())) {
                PointManifest manifest = readable(vault, point);
                if (manifest != null) {
                    PointDeletion.requireAllowedOffline(manifest.id(), manifest.attributes());
                }
                vault.deletePoint(point);
                if (common.json()) {
                    Cli.out().json(java.util.Map.of("deleted", point));
                } else {
                    Cli.out().line("Deleted point %s.", point);
                }
                return 0;
            } catch (IOException e) {
                throw Errors.classify(e);
            }
        }
    }
}
