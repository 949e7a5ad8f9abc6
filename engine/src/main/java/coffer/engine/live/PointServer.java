package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.JitWarmup;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.vault.read.ChunkCache;
import coffer.vault.read.PointDiskSource;
import coffer.virt.nbd.NbdExport;
import coffer.virt.nbd.NbdServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves disks of one point read-only over NBD, read from the vault on demand through one bounded chunk cache:
 * one export per disk, named after the disk ({@code vda}), on a Unix socket and, when asked, on loopback TCP.
 * Runs until closed; closing hangs up every client and removes the socket (the vault stays open: the caller
 * owns it).
 *
 * <p>The vault's shared lock is not held: a point being served must be kept from deletion by its caller
 * (a mount or instant restore records its use of the point), and garbage collection only removes chunks no
 * point names.
 *
 * <p>Thread-safe.
 */
public final class PointServer implements AutoCloseable {
    /** The default chunk cache: 128 MiB, a few hundred chunks at the usual chunk sizes. */
    public static final long DEFAULT_CACHE_BYTES = 128L << 20;
    /** Clients at once: enough for nbdcopy's default 4 connections several times over, and QEMU's one. */
    private static final int MAX_CONNECTIONS = 64;

    /**
     * What to serve: a point reference (id, unique prefix or name), the disks (empty: all of them), the socket,
     * an optional loopback TCP address (null: none) and the chunk cache size.
     */
    public record Request(String point, List<String> disks, Path socket, InetSocketAddress tcp, long cacheBytes) {
        public Request {
            disks = List.copyOf(disks);
            if (cacheBytes < 0) {
                throw new CofferException(ErrorCode.InvalidArgument, "the chunk cache size cannot be negative");
            }
        }
    }

    private final PointManifest point;
    private final ChunkCache cache;
    private final NbdServer server;

    private PointServer(PointManifest point, ChunkCache cache, NbdServer server) {
        this.point = point;
        this.cache = cache;
        this.server = server;
    }

    public static PointServer start(Vault vault, Request request) {
        JitWarmup.startInBackground(vault); // chunk decryption runs compiled before the first client reads
        try {
            PointManifest point = vault.resolve(request.point());
            List<PointManifest.Disk> disks = new ArrayList<>();
            if (request.disks().isEmpty()) {
                disks.addAll(point.disks());
            } else {
                for (String name : request.disks()) {
                    disks.add(point.disk(name));
                }
            }
            ChunkCache cache = new ChunkCache(request.cacheBytes());
            List<NbdServer.Export> exports = new ArrayList<>();
            for (PointManifest.Disk disk : disks) {
                exports.add(new NbdServer.Export(disk.name(), PointDiskSource.open(vault, point, disk, cache)));
            }
            return new PointServer(point, cache, NbdServer.start(exports, request.socket(), request.tcp(), MAX_CONNECTIONS));
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    public PointManifest point() {
        return point;
    }

    /** Where a client finds {@code disk} on the Unix socket. */
    public NbdExport export(String disk) {
        try {
            point.disk(disk); // refuses a disk the point does not have
        } catch (IOException e) {
            throw Errors.classify(e);
        }
        return server.unixExport(disk);
    }

    public NbdServer server() {
        return server;
    }

    public ChunkCache cache() {
        return cache;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw Errors.classify(e);
        }
    }
}
