package coffer.vault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The boots of this machine that Coffer has seen, remembered in a file of this machine ({@code
 * $XDG_STATE_HOME/coffer/boots}, else {@code ~/.local/state/coffer/boots}; the system property {@code coffer.boots}
 * names another): one boot id ({@link BootId}) a line, the newest last, at most {@value #KEPT} kept. A process that
 * writes a record naming its boot (a lock's, lease's or claim's body, a drill copy's mark, since session 24 a writer
 * directory's name and a job worker id) adds its boot first, once.
 *
 * <p>Why a history and not the machine id alone: a record naming this machine's id and another boot is this machine's
 * before a reboot, or another machine made from the same cloned image (which shares the id) running now. A boot id is
 * drawn at boot, so a clone's boots after the cloning are never in this file; a boot found here is this machine's own
 * (or one before the cloning, equally over), and every process of it is gone.
 *
 * <p>The history is read once per process (per file, {@link #contains}): during this boot it can gain no entry but this
 * boot (which every process of it adds, and which is never an earlier one), so a judgement made on the first reading is
 * the one every later reading would give; a lock's, lease's or claim's judgement no longer reads the file each time.
 *
 * <p>Best effort: a file that cannot be read or written remembers nothing, and records of other boots are then judged
 * by their age, as before session 23. Thread-safe.
 */
public final class EarlierBoots {
    static final String PROPERTY = "coffer.boots";
    static final int KEPT = 64;
    private static final java.util.concurrent.atomic.AtomicBoolean REMEMBERED = new java.util.concurrent.atomic.AtomicBoolean();
    /** The history as first read, per file (one file in a process, unless {@value #PROPERTY} names others). */
    private static final Map<Path, Set<String>> READ = new ConcurrentHashMap<>();

    private EarlierBoots() {
    }

    /** Adds this boot to the history, once per process. */
    public static void rememberThisBoot() {
        if (REMEMBERED.compareAndSet(false, true)) {
            remember(file(), BootId.get());
        }
    }

    /**
     * Whether {@code boot} is in the history and is not this boot. The file is read at the first call only: the boots
     * it may gain later are this one, which this answers false for anyway.
     */
    static boolean contains(String boot) {
        return boot != null && !boot.equals(BootId.get())
                && READ.computeIfAbsent(file(), file -> Set.copyOf(read(file))).contains(boot);
    }

    /** The history file. */
    static Path file() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_STATE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "coffer", "boots");
        }
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".local", "state",
                "coffer", "boots");
    }

    /** Adds {@code boot} to the history in {@code file} unless it is there (keeping the newest {@value #KEPT}). */
    static boolean remember(Path file, String boot) {
        if (boot == null) {
            return false;
        }
        try {
            List<String> boots = read(file);
            if (boots.contains(boot)) {
                return true;
            }
            Files.createDirectories(file.getParent());
            if (boots.size() >= KEPT) {
                List<String> kept = new java.util.ArrayList<>(boots.subList(boots.size() - KEPT + 1, boots.size()));
                kept.add(boot);
                Path next = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid());
                Files.write(next, kept, StandardCharsets.US_ASCII);
                Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.writeString(file, boot + "\n", StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            return true;
        } catch (IOException | RuntimeException notWritable) {
            return false;
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.US_ASCII).stream().map(String::strip)
                    .filter(line -> line.matches("[0-9a-f]{32}")).toList();
        } catch (IOException | RuntimeException none) {
            return List.of();
        }
    }
}
