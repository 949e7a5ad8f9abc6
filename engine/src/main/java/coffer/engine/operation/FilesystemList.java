package coffer.engine.operation;

import java.util.List;

/** A point's disk: its partitions and the file systems found ({@code device}, {@code type}, whether browsable). */
public record FilesystemList(List<String> partitions, List<Found> filesystems, int count) {
    public record Found(String device, String type, boolean mountable) {
    }

    public FilesystemList {
        partitions = List.copyOf(partitions);
        filesystems = List.copyOf(filesystems);
    }

    public static FilesystemList of(List<String> partitions, List<Found> filesystems) {
        return new FilesystemList(partitions, filesystems, filesystems.size());
    }
}
