package coffer.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link Cli} picks the top-level command to build from a table instead of reading every command's annotation: the
 * table must name exactly what the annotations name, or a renamed command would be unreachable.
 */
class CliCommandTableTest {
    @Test
    void theTableHoldsEveryTopLevelCommandsNameAndAliasesAndNothingElse() {
        Map<String, Class<?>> annotated = new HashMap<>();
        for (Class<?> command : Cli.commands()) {
            Command annotation = command.getAnnotation(Command.class);
            annotated.put(annotation.name(), command);
            for (String alias : annotation.aliases()) {
                annotated.put(alias, command);
            }
        }
        assertEquals(annotated, Cli.commandsByName());
    }

    @Test
    void onlyTheNamedCommandIsBuiltNoneForTheVersionAndAllOtherwise() {
        assertEquals(List.of(BackupCommand.class), Cli.toBuild(new String[] {"backup", "vm1", "--vault", "v"}));
        assertEquals(List.of(MountCommand.Unmount.class), Cli.toBuild(new String[] {"unmount", "/mnt"}));
        assertEquals(List.of(), Cli.toBuild(new String[] {"--version"}));
        assertEquals(List.of(), Cli.toBuild(new String[] {"-V"}));
        assertEquals(Cli.commands(), Cli.toBuild(new String[] {}));
        assertEquals(Cli.commands(), Cli.toBuild(new String[] {"--help"}));
        assertEquals(Cli.commands(), Cli.toBuild(new String[] {"--version", "backup"}));
        assertEquals(Cli.commands(), Cli.toBuild(new String[] {"bakup", "vm1"}));
    }

    @Test
    void theVersionBuiltWithoutCommandsIsTheVersionAlone() {
        for (String option : new String[] {"--version", "-V"}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Cli.run(new String[] {option}, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, status);
            assertEquals("coffer 0.1.0" + System.lineSeparator(), out.toString(StandardCharsets.UTF_8));
            assertEquals("", err.toString(StandardCharsets.UTF_8));
        }
    }
}
