package coffer.vault.fs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static java.net.StandardProtocolFamily.UNIX;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class FileTreeTest {
    @TempDir
    Path temp;

    @Test
    void deleteRemovesFilesSocketsAndLinksButNotWhatLinksPointTo() throws IOException {
        Path tree = temp.resolve("run");
        Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(tree.resolve("a/b/scratch.qcow2"), "x");
        Path outside = Files.writeString(temp.resolve("keep.txt"), "keep");
        Files.createSymbolicLink(tree.resolve("a/link"), outside);
        Files.createSymbolicLink(tree.resolve("dirlink"), temp);
        try (ServerSocketChannel socket = ServerSocketChannel.open(UNIX)) {
            socket.bind(UnixDomainSocketAddress.of(tree.resolve("a/nbd.sock")));
            FileTree.delete(tree);
        }
        assertFalse(Files.exists(tree, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("keep", Files.readString(outside));
    }

    @Test
    void deletingWhatIsNotThereIsFine() throws IOException {
        FileTree.delete(temp.resolve("missing"));
        Path file = Files.writeString(temp.resolve("file"), "x");
        FileTree.delete(file);
        assertFalse(Files.exists(file));
    }

    @Test
    void walkFilesSeesRegularFilesOnly() throws IOException {
        Files.createDirectories(temp.resolve("d"));
        Files.writeString(temp.resolve("d/f"), "x");
        Files.createSymbolicLink(temp.resolve("d/link"), temp.resolve("d/f"));
        List<Path> files = new ArrayList<>();
        FileTree.walkFiles(temp, files::add);
        assertEquals(List.of(temp.resolve("d/f")), files);
        FileTree.walkFiles(temp.resolve("not-there"), files::add);
        assertEquals(1, files.size());
    }

    /** What Files.walk cannot do: another process removing part of the tree mid-walk ends nothing. */
    @Test
    void aWalkSkipsEntriesRemovedMeanwhile() throws IOException {
        for (int i = 0; i < 20; i++) {
            Files.createDirectories(temp.resolve("d" + i));
            Files.writeString(temp.resolve("d" + i + "/f"), "x");
        }
        Set<Path> visited = new TreeSet<>();
        FileTree.walkFiles(temp, file -> {
            if (visited.isEmpty()) {
                for (int i = 0; i < 20; i++) {
                    Path other = temp.resolve("d" + i);
                    if (!file.startsWith(other)) {
                        Files.delete(other.resolve("f"));
                        Files.delete(other);
                    }
                }
            }
            visited.add(file);
        });
        assertEquals(1, visited.size());
    }
}
