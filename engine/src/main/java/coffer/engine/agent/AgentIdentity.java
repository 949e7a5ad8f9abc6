package coffer.engine.agent;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.vault.fs.OwnerOnly;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Who an agent is across its restarts (docs/design/agents.md, "One agent per host"): a name kept in its data directory
 * ({@value #FILE}, a UUID made at its first start, owner-only), sent with its announce. The servers give a host at once
 * to the identity that serves it (the agent restarted), and refuse another identity while the host's agent is alive.
 * The data directory is held by one agent process at a time: an exclusive lock on {@value #LOCK}, released when the
 * process ends however it ends, so a second agent started on the same data directory (which would share the identity
 * and the working catalog) is refused at its start. Close once, when the agent has stopped.
 */
final class AgentIdentity implements AutoCloseable {
    static final String FILE = "agent-identity";
    static final String LOCK = "agent.lock";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private final String name;
    private final FileChannel lockFile;
    private final FileLock lock;

    private AgentIdentity(String name, FileChannel lockFile, FileLock lock) {
        this.name = name;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * Takes {@code dataDir} (made owner-only before) for this process and reads its identity, made when there is none.
     *
     * @throws CofferException InvalidArgument when another process holds the data directory, or its identity file
     *                         holds no valid identity; StorageFailure when the directory cannot be written
     */
    static AgentIdentity hold(Path dataDir) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dataDir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new CofferException(ErrorCode.InvalidArgument, "--data-dir: another coffer agent runs with the data"
                        + " directory " + dataDir + " (it holds " + dataDir.resolve(LOCK) + "); each agent needs its own");
            }
            return new AgentIdentity(readOrMake(dataDir.resolve(FILE)), channel, lock);
        } catch (IOException e) {
            close(channel);
            throw new CofferException(ErrorCode.StorageFailure, "cannot take the agent's data directory " + dataDir + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(channel);
            throw e;
        }
    }

    private static String readOrMake(Path file) throws IOException {
        try {
            Files.writeString(Files.createFile(file, OwnerOnly.file()), UUID.randomUUID() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException kept) {
            // the identity of this agent's earlier runs
        }
        String name = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (name.isEmpty()) { // a first start killed between creating the file and writing it: made again
            name = UUID.randomUUID().toString();
            Files.writeString(file, name + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        }
        if (!VALID.matcher(name).matches()) {
            throw new CofferException(ErrorCode.InvalidArgument, file + " does not hold an agent identity (1 to 64 letters,"
                    + " digits, '-', '_', '.' or ':'); remove it, and this agent starts as a new one");
        }
        return name;
    }

    /** The identity, as the announce sends it. */
    String name() {
        return name;
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the channel's close releases it too
        }
        close(lockFile);
    }

    private static void close(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held that the process's end does not free
            }
        }
    }
}
