package coffer.cli;

import picocli.CommandLine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The group commands' subcommands, registered from here rather than in their {@code @Command(subcommands = ...)}:
 * picocli builds every subcommand an annotation declares (reflecting over each class) when it builds the group, where a
 * command line needs only the one it names; {@code coffer point list} built the whole {@code point} tree
 * (docs/performance.md, session 15). A group followed by one of its subcommands' names gets that one only; help, a
 * group alone, options first and unknown names get all of them, in this order (the order help lists them in).
 * {@code CommandTreeTest} checks the names against the classes' annotations.
 */
final class CommandTree {
    private static final Map<Class<?>, Map<String, Class<?>>> SUBCOMMANDS = Map.ofEntries(
            Map.entry(InstanceCommand.class, names("list", InstanceCommand.ListInstances_.class,
                    "overview", InstanceCommand.Overview.class)),
            Map.entry(RestoreCommand.class, names("disk", RestoreCommand.Disk.class,
                    "instance", RestoreCommand.Instance.class)),
            Map.entry(GroupCommand.class, names("create", GroupCommand.Create.class, "list", GroupCommand.ListGroups_.class,
                    "show", GroupCommand.Show.class, "delete", GroupCommand.Delete.class, "backup", GroupCommand.Backup.class,
                    "points", GroupCommand.Points.class, "restore", GroupCommand.Restore.class,
                    "clone", GroupCommand.Clone.class)),
            Map.entry(VaultCommand.class, names("init", VaultCommand.Init.class, "verify", VaultCommand.Verify.class,
                    "gc", VaultCommand.Gc.class, "stats", VaultCommand.Stats.class)),
            Map.entry(ImageCommand.class, names("backup", ImageCommand.Backup.class, "restore", ImageCommand.Restore.class)),
            Map.entry(PointCommand.class, names("list", PointCommand.ListPoints_.class, "show", PointCommand.Show.class,
                    "delete", PointCommand.Delete.class, "extend", PointCommand.Extend.class,
                    "retention", PointCommand.Retention.class, "replicate", PointCommand.Replicate.class)),
            Map.entry(DevCommand.class, names("make-image", DevCommand.MakeImage.class, "scatter", DevCommand.Scatter.class,
                    "serve-nbd", DevCommand.ServeNbd.class, "train", TrainCommand.class, "replicate", DevReplicate.class)),
            Map.entry(ProtectionCommand.class, names("list", ProtectionCommand.ListProtections_.class,
                    "add", ProtectionCommand.Add.class, "remove", ProtectionCommand.Remove.class)),
            Map.entry(JobCommand.class, names("list", JobCommand.ListJobs_.class, "show", JobCommand.Show.class,
                    "log", JobCommand.Log.class, "cancel", JobCommand.Cancel.class, "wait", JobCommand.Wait.class)),
            Map.entry(TokenCommand.class, names("create", TokenCommand.Create.class, "list", TokenCommand.ListTokens_.class,
                    "revoke", TokenCommand.Revoke.class)),
            Map.entry(CatalogCommand.class, names("rebuild", CatalogCommand.Rebuild.class)),
            Map.entry(PolicyCommand.class, names("create", PolicyCommand.Create.class, "edit", PolicyCommand.Edit.class,
                    "list", PolicyCommand.ListPolicies_.class, "show", PolicyCommand.Show.class,
                    "delete", PolicyCommand.Delete.class)),
            Map.entry(PlanCommand.class, names("list", PlanCommand.ListPlans_.class, "show", PlanCommand.Show.class,
                    "bind", PlanCommand.Bind.class, "edit", PlanCommand.Edit.class, "run", PlanCommand.Run.class,
                    "suspend", PlanCommand.Suspend.class, "resume", PlanCommand.Resume.class,
                    "delete", PlanCommand.Delete.class)),
            Map.entry(MountCommand.class, names("list", MountCommand.ListMounts_.class)),
            Map.entry(FilesCommand.class, names("fs", FilesCommand.Filesystems.class, "ls", FilesCommand.Ls.class,
                    "stat", FilesCommand.Stat.class, "search", FilesCommand.Search.class)),
            Map.entry(ExportCommand.class, names("list", ExportCommand.ListExports_.class,
                    "download", ExportCommand.Download.class, "delete", ExportCommand.Delete.class)),
            Map.entry(VerifyCommand.class, names("list", VerifyCommand.List_.class)),
            Map.entry(DrillCommand.class, names("run", DrillCommand.Run.class, "list", DrillCommand.List_.class)),
            Map.entry(AlertCommand.class, names("list", AlertCommand.List_.class, "ack", AlertCommand.Ack.class)),
            Map.entry(ReclaimCommand.class, names("list", ReclaimCommand.List_.class)),
            Map.entry(RegionCommand.class, names("list", RegionCommand.List_.class)));

    private CommandTree() {
    }

    /** Each group command's subcommands by name, in help order. */
    static Map<Class<?>, Map<String, Class<?>>> subcommands() {
        return SUBCOMMANDS;
    }

    /**
     * Adds {@code command} to {@code parent} with the one subcommand {@code next} names, or with all of its
     * subcommands when {@code next} (the word after the command's name, or null) names none.
     */
    static void add(CommandLine parent, Class<?> command, String next) {
        Map<String, Class<?>> subcommands = SUBCOMMANDS.getOrDefault(command, Map.of());
        Class<?> named = next == null ? null : subcommands.get(next);
        CommandLine line = new CommandLine(command);
        for (Class<?> subcommand : named != null ? List.of(named) : subcommands.values()) {
            line.addSubcommand(subcommand);
        }
        parent.addSubcommand(line);
    }

    private static Map<String, Class<?>> names(Object... nameThenClass) {
        Map<String, Class<?>> byName = new LinkedHashMap<>();
        for (int i = 0; i < nameThenClass.length; i += 2) {
            byName.put((String) nameThenClass[i], (Class<?>) nameThenClass[i + 1]);
        }
        return Collections.unmodifiableMap(byName);
    }
}
