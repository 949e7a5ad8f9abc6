package coffer.engine.operation.hosted;

import coffer.engine.instance.InstanceBackup;
import coffer.engine.live.PointBrowse;
import coffer.engine.live.PointFiles;
import coffer.engine.operation.FileList;
import coffer.engine.operation.FileView;
import coffer.engine.operation.FilesystemList;
import coffer.engine.operation.ListFiles;
import coffer.engine.operation.ListFilesystems;
import coffer.vault.Vault;

import java.util.List;

/**
 * Browsing a point's files, the same on a server and offline: each request opens a browsing session of the disk
 * ({@link PointBrowse}: the disk served from the vault, a libguestfs appliance booted) and closes it. Stateless.
 */
public final class FileBrowsing {
    private FileBrowsing() {
    }

    public static FilesystemList filesystems(Vault vault, String pointId, ListFilesystems request) {
        return PointBrowse.disk(vault, pointId, request.disk(), InstanceBackup.defaultRuntimeRoot(), files ->
                FilesystemList.of(files.partitions(), files.filesystems().stream()
                        .map(f -> new FilesystemList.Found(f.device(), f.type(), f.mountable())).toList()));
    }

    public static FileList files(Vault vault, String pointId, ListFiles request) {
        return PointBrowse.mounted(vault, pointId, request.disk(), request.filesystem(), InstanceBackup.defaultRuntimeRoot(),
                files -> {
                    String path = request.pathOrRoot();
                    List<PointFiles.Entry> entries = request.statOnly() ? List.of(files.stat(path)) : files.list(path);
                    return FileList.of(path, entries.stream().map(FileView::of).toList());
                });
    }
}
