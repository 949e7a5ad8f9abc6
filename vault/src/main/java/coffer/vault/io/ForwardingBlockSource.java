package coffer.vault.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A {@link BlockSource} that hands every call to another source: a subclass overrides what it changes (the reads it
 * watches, its own description, what closing it also closes) and inherits the rest of the contract from the source
 * it wraps.
 *
 * <p>Thread-safe as the wrapped source is.
 */
public abstract class ForwardingBlockSource implements BlockSource {
    private final BlockSource source;

    protected ForwardingBlockSource(BlockSource source) {
        this.source = source;
    }

    /** The source every call goes to. */
    protected final BlockSource source() {
        return source;
    }

    @Override
    public long size() {
        return source.size();
    }

    @Override
    public List<Extent> dataExtents(long offset, long length) throws IOException {
        return source.dataExtents(offset, length);
    }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        source.read(offset, dst);
    }

    @Override
    public String describe() {
        return source.describe();
    }

    /** Closes the wrapped source. */
    @Override
    public void close() throws IOException {
        source.close();
    }
}
