package coffer.engine.operation.hosted;

import coffer.engine.instance.InstanceBackup;
import coffer.engine.live.BrowseSessions;
import coffer.engine.live.PointFiles;
import coffer.engine.operation.FileList;
import coffer.engine.operation.FileView;
import coffer.engine.operation.FilesystemList;
import coffer.engine.operation.ListFiles;
import coffer.engine.operation.ListFilesystems;
import coffer.vault.Vault;

import java.util.List;

/**
 * Browsing a point's files, the same on a server and offline, in a browsing session of the disk
 * ({@link BrowseSessions}: the disk served from the vault, a libguestfs appliance booted): a server keeps the session
 * for later requests; offline each request opens its own and closes it. Stateless.
 */
public final class FileBrowsing {
    /** The id part of a directory page's cursor ({@link coffer.engine.catalog.NameCursor}: a name is its key here). */
    private static final String FILE_CURSOR = "file";

    private FileBrowsing() {
    }

    /** Offline: one session for this request only. */
    public static FilesystemList filesystems(Vault vault, String pointId, ListFilesystems request) {
        return filesystems(BrowseSessions.oneOff(InstanceBackup.defaultRuntimeRoot()), vault, "", pointId, request);
    }

    /** Offline: one session for this request only. */
    public static FileList files(Vault vault, String pointId, ListFiles request) {
        return files(BrowseSessions.oneOff(InstanceBackup.defaultRuntimeRoot()), vault, "", pointId, request);
    }

    public static FilesystemList filesystems(BrowseSessions sessions, Vault vault, String vaultName, String pointId,
                                             ListFilesystems request) {
        return sessions.disk(vault, vaultName, pointId, request.disk(), files ->
                FilesystemList.of(files.partitions(), files.filesystems().stream()
                        .map(f -> new FilesystemList.Found(f.device(), f.type(), f.mountable())).toList()));
    }

    public static FileList files(BrowseSessions sessions, Vault vault, String vaultName, String pointId, ListFiles request) {
        String after = request.cursor() == null ? null : coffer.engine.catalog.NameCursor.decode("cursor", request.cursor()).name();
        return sessions.mounted(vault, vaultName, pointId, request.disk(), request.filesystem(), files -> {
            String path = request.pathOrRoot();
            if (request.statOnly()) {
                return FileList.of(path, List.of(FileView.of(files.stat(request.guestPath()))), null);
            }
            PointFiles.Listing page = files.list(request.guestPath(), after, request.pageSize());
            return FileList.of(path, page.entries().stream().map(FileView::of).toList(), page.more()
                    ? new coffer.engine.catalog.NameCursor(page.entries().getLast().name(), FILE_CURSOR).encode() : null);
        });
    }
}
