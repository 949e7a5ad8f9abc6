package coffer.engine.live;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.vault.JitWarmup;
import coffer.vault.PointLeases;
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
 * <p>While it serves, the server holds a lease on the point ({@link PointLeases}): the vault refuses to delete a
 * served point ({@code PointInUse}), whoever asks. The vault's shared lock is not held (it would keep gc's sweep
 * out for as long as a mount lasts): garbage collection only removes chunks no point names.
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
    private final PointLeases.Lease lease;

    private PointServer(PointManifest point, ChunkCache cache, NbdServer server, PointLeases.Lease lease) {
        this.point = point;
        this.cache = cache;
        this.server = server;
        this.lease = lease;
    }

    /** Serves the point; its lease says "NBD export on SOCKET". */
    public static PointServer start(Vault vault, Request request) {
        return start(vault, request, "NBD export on " + request.socket());
    }

    /**
     * Serves the point under a lease whose {@code purpose} is what a refused delete names ("mount of … into …").
     * The lease is taken before the point is read, so a delete either finds it or happened before (and the point is
     * not found here).
     */
    public static PointServer start(Vault vault, Request request, String purpose) {
        JitWarmup.startInBackground(vault); // chunk decryption runs compiled before the first client reads
        PointLeases.Lease lease = null;
        try {
            PointManifest point = vault.resolve(request.point());
            lease = vault.leases().take(point.id(), purpose);
            point = vault.point(point.id()); // still there once leased
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
            return new PointServer(point, cache, NbdServer.start(exports, request.socket(), request.tcp(), MAX_CONNECTIONS),
                    lease);
        } catch (IOException | RuntimeException e) {
            release(lease);
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

    /** Stops serving, then releases the point's lease. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw Errors.classify(e);
        } finally {
            release(lease);
        }
    }

    private static void release(PointLeases.Lease lease) {
        if (lease == null) {
            return;
        }
        try {
            lease.close();
        } catch (IOException e) {
            // left behind: it goes stale when its refresh stops (docs/design/live-access.md)
            System.getLogger(PointServer.class.getName()).log(System.Logger.Level.WARNING,
                    "could not release a point's lease; it goes stale by itself: " + e.getMessage());
        }
    }
}
