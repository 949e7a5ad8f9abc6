package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.group.GroupBackup;
import coffer.engine.group.GroupClone;
import coffer.engine.group.GroupPoint;
import coffer.engine.group.GroupPoints;
import coffer.engine.group.GroupRestore;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.InstanceBackup;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.PointAttributes;
import coffer.engine.vault.VaultOpener;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.virt.libvirt.Libvirt;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.Callable;

/**
 * {@code coffer group create|list|show|delete|backup|points|restore|clone}: consistency groups
 * (docs/design/consistency-groups.md). create/list/show/delete are the server's; backup, points, restore
 * and clone run offline against a vault ({@code --vault}), else through the configured server
 * ({@link GroupViaServer}).
 */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "Consistency groups: several instances backed up, restored and cloned at one instant.",
        subcommands = {GroupCatalogCommands.Create.class, GroupCatalogCommands.ListGroups.class,
                GroupCatalogCommands.Show.class, GroupCatalogCommands.Delete.class, GroupCommand.Backup.class,
                GroupCommand.Points.class, GroupCommand.Restore.class, GroupCommand.Clone.class})
final class GroupCommand {

    /**
     * {@code --instances a,b,c} (offline: the members) and the application-consistency options (every guest
     * quiesced around the group's instant; each member falls back on its own with the reason).
     */
    static final class Members {
        @Option(names = "--instances", split = ",", paramLabel = "A,B[,C]",
                description = "Offline: the group's instances (domain names), comma-separated.") List<String> instances;
        @Mixin AppConsistencyOptions consistencyOptions = new AppConsistencyOptions();
        @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;
        @Option(names = "--target-vault", paramLabel = "NAME", description = "With a server: the server's vault to use (default: its default vault).")
        String targetVault;

        AppConsistency consistency() {
            return consistencyOptions.consistency();
        }

        List<String> offline() {
            if (instances == null || instances.isEmpty()) {
                throw new CofferException(ErrorCode.InvalidArgument, "--instances A,B: name the group's instances"
                        + " (offline; with a server the group is the server's, see coffer group create)");
            }
            return instances;
        }
    }

    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Back up the instances as one group point: one point each, all at one instant.")
    static final class Backup implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Mixin ConnectOption connect;
        @Mixin Members members = new Members();
        @Mixin ServerOption server;
        @Parameters(paramLabel = "NAME", description = "The group's name, recorded on every member point "
                + "(with a server: the server's group, by name or id).") String name;
        @Option(names = "--retention-days", paramLabel = "DAYS", description = "With a server: the points expire after DAYS (1-65536; default: never).")
        Integer retentionDays;

        @Override
        public Integer call() throws Exception {
            if (vaultOption.vault == null) {
                var client = server.client();
                if (client.isPresent()) {
                    GroupViaServer.refuse(members.instances != null, "--instances");
                    return GroupViaServer.backup(client.get(), common, name, members.consistencyOptions, retentionDays,
                            members.targetVault, members.wait);
                }
            }
            try (ConnectOption.Pending connecting = connect.openInBackground();
                 Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require());
                 Libvirt libvirt = connecting.get();
                 ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "group backup")) {
                GroupBackup.Result result = new GroupBackup(libvirt,
                        new InstanceBackup(libvirt, vault, InstanceBackup.defaultRuntimeRoot()))
                        .run(new GroupBackup.Request(name, members.offline(), members.consistency()), bar);
                bar.close();
                if (common.json()) {
                    Map<String, Object> answer = new LinkedHashMap<>();
                    answer.put("group", result.id());
                    answer.put("name", result.name());
                    answer.put("pauseMillis", result.pauseWindow().toMillis());
                    answer.put("freezeMillis", result.freezeWindow() == null ? null : result.freezeWindow().toMillis());
                    answer.put("members", result.members().stream().map(m -> member(m.point())).toList());
                    answer.put("warnings", result.warnings());
                    Cli.out().json(answer);
                } else {
                    Cli.out().line("Group point %s of %s: %d members paused %d ms%s", result.id(), name,
                            result.members().size(), result.pauseWindow().toMillis(), result.freezeWindow() == null
                                    ? "" : ", frozen " + result.freezeWindow().toMillis() + " ms");
                    for (InstanceBackup.Result m : result.members()) {
                        Cli.out().line("  %-24s point %s  %s", m.point().name(), m.point().id(), consistency(m.point()));
                    }
                    result.warnings().forEach(w -> Cli.out().line("warning: %s", w));
                }
                return 0;
            }
        }
    }

    @Command(name = "points", mixinStandardHelpOptions = true, description = "List a group's points with their members.")
    static final class Points implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "NAME", arity = "0..1", description = "The group's name (default: every group).") String name;

        @Override
        public Integer call() throws Exception {
            if (vaultOption.vault == null) {
                var client = server.client();
                if (client.isPresent()) {
                    return GroupViaServer.points(client.get(), common, name);
                }
            }
            try (Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require())) {
                List<GroupPoint> groups = new GroupPoints(vault).list(name);
                if (common.json()) {
                    List<Map<String, Object>> answer = new ArrayList<>();
                    for (GroupPoint g : groups) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("id", g.id());
                        row.put("name", g.name());
                        row.put("instant", g.instant().toString());
                        row.put("pauseMillis", g.pauseMillis());
                        row.put("freezeMillis", g.freezeMillis());
                        row.put("complete", g.complete());
                        row.put("members", g.members().stream().map(GroupCommand::member).toList());
                        answer.add(row);
                    }
                    Cli.out().json(answer);
                    return 0;
                }
                for (GroupPoint g : groups) {
                    Cli.out().line("%s  %s  %s  paused %d ms%s%s", g.id(), g.name(), g.instant(), g.pauseMillis(),
                            g.freezeMillis() == null ? "" : ", frozen " + g.freezeMillis() + " ms",
                            g.complete() ? "" : "  INCOMPLETE, missing " + g.missing());
                    for (PointManifest m : g.members()) {
                        Cli.out().line("  %-24s point %s  %s", m.name(), m.id(), consistency(m));
                    }
                }
                return 0;
            }
        }
    }

    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Restore every member of a group point: as new instances named <member><suffix>, or in place.")
    static final class Restore implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Mixin ConnectOption connect;
        @Parameters(paramLabel = "GROUPPOINT", description = "The group point's id (or its first characters).") String group;
        @Option(names = "--suffix", paramLabel = "SUFFIX", parameterConsumer = NextArgument.class,
                description = "New instances named <member><SUFFIX> (may start with '-').") String suffix;
        @Option(names = "--in-place", description = "Restore over the originals (every member must be shut off).") boolean inPlace;
        @Option(names = "--start", description = "Start the new instances once all are defined.") boolean start;
        @Option(names = "--dir", paramLabel = "DIR", description = "Offline: directory for the new disk files (default: beside the originals).") Path dir;
        @Mixin ServerOption server;
        @Option(names = "--wait", description = "With a server: wait for the job, with a progress bar.") boolean wait;

        @Override
        public Integer call() throws Exception {
            if (inPlace == (suffix != null)) {
                throw new CofferException(ErrorCode.InvalidArgument, "give exactly one of --suffix SUFFIX and --in-place");
            }
            if (inPlace && (start || dir != null)) {
                throw new CofferException(ErrorCode.InvalidArgument, "--start and --dir are for new instances (--suffix)");
            }
            if (vaultOption.vault == null) {
                var client = server.client();
                if (client.isPresent()) {
                    GroupViaServer.refuse(dir != null, "--dir");
                    return GroupViaServer.restore(client.get(), common, group, suffix, inPlace, start, wait);
                }
            }
            try (ConnectOption.Pending connecting = connect.openInBackground();
                 Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require());
                 Libvirt libvirt = connecting.get();
                 ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "group restore")) {
                GroupRestore restore = new GroupRestore(libvirt, new GroupPoints(vault), new InstanceRestore(libvirt, vault, 0));
                GroupRestore.Result result = inPlace ? restore.inPlace(group, bar)
                        : restore.asNewInstances(group, suffix, dir, start, bar);
                bar.close();
                print(result.point().id(), result.instances());
                return 0;
            }
        }

        private void print(String id, List<InstanceRestore.InstanceResult> instances) {
            if (common.json()) {
                Cli.out().json(Map.of("group", id, "instances", instances.stream().map(i -> Map.of("name", i.name(),
                        "point", i.point().id(), "started", i.started(), "disks", i.disks())).toList()));
                return;
            }
            Cli.out().line("Restored group point %s:", id);
            for (InstanceRestore.InstanceResult i : instances) {
                Cli.out().line("  %-24s from point %s%s", i.name(), i.point().id(), i.started() ? " (started)" : "");
            }
        }
    }

    @Command(name = "clone", mixinStandardHelpOptions = true, description = "Clone a group now: a group point "
            + "(expiring in one day) restored as new started instances named <member><suffix>.")
    static final class Clone implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin VaultOption vaultOption;
        @Mixin ConnectOption connect;
        @Mixin Members members = new Members();
        @Parameters(paramLabel = "NAME", description = "The group's name, recorded on every member point.") String name;
        @Option(names = "--suffix", required = true, paramLabel = "SUFFIX", parameterConsumer = NextArgument.class,
                description = "New instances named <member><SUFFIX> (may start with '-').") String suffix;
        @Option(names = "--dir", paramLabel = "DIR", description = "Offline: directory for the new disk files (default: beside the originals).") Path dir;
        @Mixin ServerOption server;

        @Override
        public Integer call() throws Exception {
            GroupRestore.checkSuffix(suffix);
            if (vaultOption.vault == null) {
                var client = server.client();
                if (client.isPresent()) {
                    GroupViaServer.refuse(members.instances != null, "--instances");
                    GroupViaServer.refuse(dir != null, "--dir");
                    return GroupViaServer.clone(client.get(), common, name, members.consistencyOptions, suffix,
                            members.targetVault, members.wait);
                }
            }
            try (ConnectOption.Pending connecting = connect.openInBackground();
                 Vault vault = new VaultOpener(common.keyRing()).open(vaultOption.require());
                 Libvirt libvirt = connecting.get();
                 ProgressBar bar = new ProgressBar(Cli.err(), !common.json(), "group clone")) {
                GroupClone.Result result = new GroupClone(
                        new GroupBackup(libvirt, new InstanceBackup(libvirt, vault, InstanceBackup.defaultRuntimeRoot())),
                        new GroupRestore(libvirt, new GroupPoints(vault), new InstanceRestore(libvirt, vault, 0)))
                        .run(name, members.offline(), members.consistency(), suffix, dir, bar);
                bar.close();
                if (common.json()) {
                    Cli.out().json(Map.of("group", result.backup().id(), "instances",
                            result.instances().instances().stream().map(InstanceRestore.InstanceResult::name).toList()));
                } else {
                    Cli.out().line("Cloned group %s from group point %s (expires in one day), paused %d ms:", name,
                            result.backup().id(), result.backup().pauseWindow().toMillis());
                    result.instances().instances().forEach(i -> Cli.out().line("  %s (started)", i.name()));
                }
                return 0;
            }
        }
    }

    /**
     * Takes the next argument as the value whatever it looks like: {@code --suffix -copy} would otherwise
     * read {@code -copy} as {@code -c opy} ({@code -c} is {@code --connect}).
     */
    static final class NextArgument implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            if (args.isEmpty()) {
                throw new ParameterException(commandSpec.commandLine(), "Missing value for " + argSpec.paramLabel());
            }
            argSpec.setValue(args.pop());
        }
    }

    private static Map<String, Object> member(PointManifest point) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("instance", point.name());
        m.put("point", point.id());
        m.put("consistency", point.attributes().getOrDefault(PointAttributes.CONSISTENCY, "CRASH"));
        m.put("consistencyReason", point.attributes().get(PointAttributes.CONSISTENCY_REASON));
        return m;
    }

    private static String consistency(PointManifest point) {
        String reason = point.attributes().get(PointAttributes.CONSISTENCY_REASON);
        return point.attributes().getOrDefault(PointAttributes.CONSISTENCY, "CRASH") + (reason == null ? "" : " (" + reason + ")");
    }
}
