import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The zstd level curve as the vault's codec compresses (coffer.vault.format.ObjectCodec): 512 KiB chunks, three
 * 4 KiB samples first (a chunk whose samples do not shrink by 1/16 is stored raw), stored raw unless compression
 * saves 1/32. Prints, per file and level, the share stored and the CPU throughput of one thread (thread CPU time,
 * best of three: holds on a loaded machine). Run by scripts/bench-compression with coffer.jar on the class path.
 *
 *   java -cp app/target/coffer.jar scripts/bench-tools/ZstdCurve.java LEVELS FILE...
 */
public class ZstdCurve {
    static final int CHUNK = 512 << 10;
    static final int SAMPLE = 4096;

    public static void main(String[] args) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        byte[] out = new byte[(int) Zstd.compressBound(CHUNK)];
        byte[] sample = new byte[(int) Zstd.compressBound(SAMPLE)];
        byte[] back = new byte[CHUNK];
        for (int f = 1; f < args.length; f++) {
            byte[] data = Files.readAllBytes(Path.of(args[f]));
            int chunks = data.length / CHUNK;
            for (String levelText : args[0].split(",")) {
                int level = Integer.parseInt(levelText);
                ZstdCompressCtx compressor = new ZstdCompressCtx().setLevel(level);
                ZstdDecompressCtx decompressor = new ZstdDecompressCtx();
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
                            sampled += compressor.compressByteArray(sample, 0, sample.length, data, offset + at, SAMPLE);
                        }
                        int size = CHUNK;
                        if (sampled < 3 * SAMPLE * 15 / 16) {
                            int compressed = compressor.compressByteArray(out, 0, out.length, data, offset, CHUNK);
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
                            decompressor.decompressByteArray(back, 0, CHUNK, frame, 0, frame.length);
                        }
                    }
                    bestDecompress = Math.min(bestDecompress, mx.getCurrentThreadCpuTime() - start);
                }
                long in = (long) chunks * CHUNK;
                long compressedIn = (long) CHUNK * Arrays.stream(stored).filter(frame -> frame != null).count();
                System.out.printf("%-28s level %3d: stored %5.1f %%  compress %5.0f MB/s  decompress %s%n",
                        Path.of(args[f]).getFileName(), level, 100.0 * total / in, in / (bestCompress / 1e3),
                        compressedIn == 0 ? "-" : String.format("%5.0f MB/s", compressedIn / (bestDecompress / 1e3)));
            }
        }
    }
}
