package coffer.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test double for what cannot run here: this machine before a reboot. A reboot cannot happen in a test, so a boot id
 * that is not this one is written into a boot history of this machine ({@link coffer.vault.EarlierBoots}: a file in
 * {@code dir} named by the system property {@code coffer.boots} while this is open, as though this machine had run
 * Coffer in that boot). A record naming {@link #boot} and {@link OtherMachine#thisMachine} is this machine's of its
 * earlier boot. Closing it restores the property. Not for tests running in parallel in one JVM.
 */
public final class EarlierBootOfThisMachine implements AutoCloseable {
    private static final String PROPERTY = "coffer.boots";

    private final String boot = OtherMachine.otherBoot();
    private final String before = System.getProperty(PROPERTY);

    /** @param dir where the boot history is written */
    public EarlierBootOfThisMachine(Path dir) {
        Path history = dir.resolve("boots-" + boot); // a file of its own: a process reads a history once
        try {
            Files.writeString(history, boot + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.setProperty(PROPERTY, history.toString());
    }

    /** The earlier boot's id. */
    public String boot() {
        return boot;
    }

    @Override
    public void close() {
        if (before == null) {
            System.clearProperty(PROPERTY);
        } else {
            System.setProperty(PROPERTY, before);
        }
    }
}
