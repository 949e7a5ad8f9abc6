package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.Vault;
import coffer.virt.guestfs.Filesystem;
import coffer.virt.guestfs.Guestfs;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * One browsing session of a point's disk for one request: {@link PointFiles} opened (the appliance booted), the chosen
 * file system mounted read-only (or the only mountable one when none is chosen), {@code work} applied, everything
 * closed. Each call pays the appliance's boot (tens of seconds under TCG: docs/design/live-access.md); a server keeps
 * sessions between requests in {@link BrowseSessions}. Stateless.
 */
public final class PointBrowse {
    private PointBrowse() {
    }

    /** Runs {@code work} on the disk's files with no file system mounted (partitions and file systems only). */
    public static <T> T disk(Vault vault, String point, String disk, Path runtimeRoot, Function<PointFiles, T> work) {
        try (PointFiles files = PointFiles.open(vault, point, disk, runtimeRoot.resolve("files"), Guestfs.Options.DEFAULT)) {
            return work.apply(files);
        }
    }

    /** Runs {@code work} with {@code filesystem} (null: the only mountable one) mounted read-only. */
    public static <T> T mounted(Vault vault, String point, String disk, String filesystem, Path runtimeRoot,
                                Function<PointFiles, T> work) {
        return disk(vault, point, disk, runtimeRoot, files -> {
            files.mount(filesystem != null ? filesystem : onlyMountable(files.filesystems()));
            return work.apply(files);
        });
    }

    /**
     * The one file system of the disk that can be browsed. None: the message says so (it read "choose one of the disk's
     * file systems []"); several: it lists them and names the option that chooses one.
     */
    static String onlyMountable(List<Filesystem> found) {
        List<Filesystem> mountable = found.stream().filter(Filesystem::mountable).toList();
        if (mountable.isEmpty()) {
            throw new CofferException(ErrorCode.InvalidArgument, "filesystem: the disk holds no file system that can be"
                    + " browsed" + (found.isEmpty() ? "" : " (found: " + describe(found) + ")")
                    + "; browse another disk of the point");
        }
        if (mountable.size() > 1) {
            throw new CofferException(ErrorCode.InvalidArgument, "filesystem: the disk holds " + mountable.size()
                    + " file systems: " + describe(mountable) + "; choose one (--fs DEVICE; API: filesystem)");
        }
        return mountable.getFirst().device();
    }

    private static String describe(List<Filesystem> filesystems) {
        return String.join(", ", filesystems.stream().map(f -> f.device() + " (" + f.type() + ")").toList());
    }
}
