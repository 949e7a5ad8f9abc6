package coffer.vault.backend;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How the directory backend makes its files durable: {@code fsync(2)} of one file or directory, or {@code syncfs(2)}
 * of the whole file system ({@link FileSystemSync}). Tests record the calls ({@code NamedSyncOrderTest}).
 *
 * <p>Thread-safe.
 */
interface Durability {
    /** {@code fsync(2)} of the file or directory at {@code path}. */
    void force(Path path) throws IOException;

    /** Every dirty page of the file system holding {@code directory}. */
    void syncFileSystemOf(Path directory) throws IOException;

    /** The system calls themselves. */
    Durability SYSTEM = new Durability() {
        @Override
        public void force(Path path) throws IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }

        @Override
        public void syncFileSystemOf(Path directory) throws IOException {
            FileSystemSync.syncFileSystemOf(directory);
        }
    };
}
