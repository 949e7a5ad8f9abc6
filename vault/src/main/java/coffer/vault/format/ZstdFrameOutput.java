package coffer.vault.format;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Compresses a plaintext of a length known in advance into one zstd frame, as a stream: the length is pledged, so the
 * frame records its content size and the compressor is tuned to it as a one-shot compression of the same bytes is,
 * and writes the same frame as {@link ZstdCompressCtx#compressByteArray} does (the streamed index object is byte for
 * byte the one sealed whole: docs/format/index.md, "Memory"). Closing ends the frame and leaves {@code out} open.
 *
 * <p>Not thread-safe.
 */
final class ZstdFrameOutput extends OutputStream {
    private final OutputStream out;
    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private final ByteBuffer in = ByteBuffer.allocateDirect(1 << 17);
    private final ByteBuffer compressed = ByteBuffer.allocateDirect(1 << 17);
    private final byte[] copy = new byte[1 << 17];
    private boolean closed;

    ZstdFrameOutput(OutputStream out, int level, long length) {
        this.out = out;
        ctx.setLevel(level);
        ctx.setPledgedSrcSize(length);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, in.remaining());
            in.put(b, off, n);
            off += n;
            len -= n;
            if (!in.hasRemaining()) {
                compress(EndDirective.CONTINUE);
            }
        }
    }

    /** Hands what is buffered to the compressor ({@code END}: until the frame is complete), writing what it gives. */
    private void compress(EndDirective directive) throws IOException {
        in.flip();
        boolean done;
        do {
            done = ctx.compressDirectByteBufferStream(compressed, in, directive);
            compressed.flip();
            int n = compressed.remaining();
            compressed.get(copy, 0, n);
            out.write(copy, 0, n);
            compressed.clear();
        } while (in.hasRemaining() || (directive == EndDirective.END && !done));
        in.clear();
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                compress(EndDirective.END);
                out.flush();
            } finally {
                ctx.close();
            }
        }
    }
}
