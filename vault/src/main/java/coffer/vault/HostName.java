package coffer.vault;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This host's name, as {@code gethostname(2)} gives it: the name under which this process's locks, markers,
 * writer directories and job claims say whose they are. Read once per process from the kernel
 * ({@code /proc/sys/kernel/hostname}); elsewhere from {@link InetAddress#getLocalHost()}, and
 * {@code localhost} when neither answers.
 *
 * <p>Why not {@link InetAddress#getLocalHost()} alone: it resolves the name through the name service and loads
 * the JDK's network library first, ~90 ms on every command's path before a vault could open
 * (docs/performance.md, session 14), to return the very name the kernel holds.
 *
 * <p>Thread-safe.
 */
public final class HostName {
    private static final Path KERNEL = Path.of("/proc/sys/kernel/hostname");

    private HostName() {
    }

    /** This host's name; never empty. */
    public static String get() {
        return Holder.NAME;
    }

    private static final class Holder {
        static final String NAME = read();
    }

    static String read() {
        try {
            String name = Files.readString(KERNEL).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException notLinux) {
            // fall through to the name service
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
