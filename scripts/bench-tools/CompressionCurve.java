import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The compression curve (zstd levels, and {@code lz4}: the LZ4 codec a vault may choose instead) as the vault's
 * codec compresses (coffer.vault.format.ObjectCodec): 512 KiB chunks, three
 * 4 KiB samples first (a chunk whose samples do not shrink by 1/16 is stored raw), stored raw unless compression
 * saves 1/32. Prints, per file and level, the share stored and the CPU throughput of one thread (thread CPU time,
 * best of three: holds on a loaded machine). Run by scripts/bench-compression with coffer.jar on the class path.
 *
 *   java -cp app/target/coffer.jar scripts/bench-tools/CompressionCurve.java LEVELS FILE...   (LEVELS: e.g. 1,3,lz4)
 */
public class CompressionCurve {
    static final int CHUNK = 512 << 10;
    static final int SAMPLE = 4096;

    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        byte[] out = new byte[(int) Zstd.compressBound(CHUNK) + CHUNK / 128];
        byte[] sample = new byte[(int) Zstd.compressBound(SAMPLE) + 64];
        byte[] back = new byte[CHUNK];
        for (int f = 1; f < args.length; f++) {
            byte[] data = Files.readAllBytes(Path.of(args[f]));
            int chunks = data.length / CHUNK;
            for (String levelText : args[0].split(",")) {
                boolean lz4 = levelText.equals("lz4");
                int level = lz4 ? 0 : Integer.parseInt(levelText);
                Codec compressor = lz4 ? new Lz4() : new Zstandard(level);
                byte[][] stored = new byte[chunks][];
                long bestCompress = Long.MAX_VALUE;
                long bestDecompress = Long.MAX_VALUE;
                long total = 0;
                for (int round = 0; round < 3; round++) {
                    long start = mx.getCurrentThreadCpuTime();
                    total = 0;
                    for (int k = 0; k < chunks; k++) {
                        int offset = k * CHUNK;
                        int sampled = 0;
                        for (int at : new int[]{0, CHUNK / 2 - SAMPLE / 2, CHUNK - SAMPLE}) {
                            sampled += compressor.compress(sample, data, offset + at, SAMPLE);
                        }
                        int size = CHUNK;
                        if (sampled < 3 * SAMPLE * 15 / 16) {
                            int compressed = compressor.compress(out, data, offset, CHUNK);
                            if (compressed <= CHUNK - (CHUNK >>> 5)) {
                                size = compressed;
                                stored[k] = Arrays.copyOf(out, compressed);
                            }
                        }
                        total += size;
                    }
                    bestCompress = Math.min(bestCompress, mx.getCurrentThreadCpuTime() - start);
                    start = mx.getCurrentThreadCpuTime();
                    for (byte[] frame : stored) {
                        if (frame != null) {
                            compressor.decompress(back, frame);
                        }
                    }
                    bestDecompress = Math.min(bestDecompress, mx.getCurrentThreadCpuTime() - start);
                }
                long in = (long) chunks * CHUNK;
                long compressedIn = (long) CHUNK * Arrays.stream(stored).filter(frame -> frame != null).count();
                System.out.printf("%-28s %9s: stored %5.1f %%  compress %5.0f MB/s  decompress %s%n",
                        Path.of(args[f]).getFileName(), lz4 ? "lz4" : "level " + level, 100.0 * total / in, in / (bestCompress / 1e3),
                        compressedIn == 0 ? "-" : String.format("%5.0f MB/s", compressedIn / (bestDecompress / 1e3)));
            }
        }
    }

    interface Codec {
        int compress(byte[] into, byte[] from, int offset, int length);

        void decompress(byte[] into, byte[] frame);
    }

    record Zstandard(ZstdCompressCtx compressor, ZstdDecompressCtx decompressor) implements Codec {
        Zstandard(int level) {
            this(new ZstdCompressCtx().setLevel(level), new ZstdDecompressCtx());
        }

        public int compress(byte[] into, byte[] from, int offset, int length) {
            return compressor.compressByteArray(into, 0, into.length, from, offset, length);
        }

        public void decompress(byte[] into, byte[] frame) {
            decompressor.decompressByteArray(into, 0, into.length, frame, 0, frame.length);
        }
    }

    /** As the vault's LZ4 codec: the library's fastest instance (JNI), fast compressor, safe decompressor. */
    record Lz4(LZ4Compressor compressor, LZ4SafeDecompressor decompressor) implements Codec {
        Lz4() {
            this(LZ4Factory.fastestInstance().fastCompressor(), LZ4Factory.fastestInstance().safeDecompressor());
        }

        public int compress(byte[] into, byte[] from, int offset, int length) {
            return compressor.compress(from, offset, length, into, 0, into.length);
        }

        public void decompress(byte[] into, byte[] frame) {
            decompressor.decompress(frame, 0, frame.length, into, 0, into.length);
        }
    }
}
