package coffer.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The group commands' subcommands are registered from {@link CommandTree}'s table: it must name each class as its
 * annotation does, hold every command class nested in a group, and be the only place subcommands are declared.
 */
class CommandTreeTest {
    @Test
    void theTableNamesEachSubcommandAsItsAnnotationDoes() {
        for (var group : CommandTree.subcommands().entrySet()) {
            assertTrue(Cli.commands().contains(group.getKey()), group.getKey() + " is a top-level command");
            for (var entry : group.getValue().entrySet()) {
                Command annotation = entry.getValue().getAnnotation(Command.class);
                assertEquals(entry.getKey(), annotation.name(), entry.getValue().getName());
                assertEquals(0, annotation.aliases().length, entry.getValue().getName());
            }
        }
    }

    @Test
    void everyCommandNestedInAGroupIsRegisteredAndNoAnnotationDeclaresSubcommands() {
        for (Class<?> command : Cli.commands()) {
            assertEquals(0, command.getAnnotation(Command.class).subcommands().length, command.getName());
            Map<String, Class<?>> registered = CommandTree.subcommands().getOrDefault(command, Map.of());
            for (Class<?> nested : command.getDeclaredClasses()) {
                if (nested.isAnnotationPresent(Command.class) && !Cli.commands().contains(nested)) {
                    assertTrue(registered.containsValue(nested), nested.getName() + " is registered under " + command.getName());
                }
            }
            for (Class<?> subcommand : registered.values()) {
                assertEquals(0, subcommand.getAnnotation(Command.class).subcommands().length, subcommand.getName());
            }
        }
    }

    @Test
    void aNamedSubcommandIsBuiltAloneAndOtherwiseAllInHelpOrder() {
        assertEquals(List.of("list"), built(PointCommand.class, "list"));
        List<String> all = new ArrayList<>(CommandTree.subcommands().get(PointCommand.class).keySet());
        assertEquals(all, built(PointCommand.class, null));
        assertEquals(all, built(PointCommand.class, "--help"));
        assertEquals(all, built(PointCommand.class, "lst"));
        assertEquals(List.of(), built(BackupCommand.class, "vm1"));
    }

    private static List<String> built(Class<?> command, String next) {
        CommandLine root = new CommandLine(new Cli());
        CommandTree.add(root, command, next);
        CommandLine line = root.getSubcommands().values().iterator().next();
        return new ArrayList<>(line.getSubcommands().keySet());
    }
}
