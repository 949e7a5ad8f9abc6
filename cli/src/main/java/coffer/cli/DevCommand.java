package coffer.cli;

import coffer.engine.live.PointServer;
import coffer.engine.vault.VaultOpener;
import coffer.vault.Vault;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Tools for benchmarks and demonstrations: deterministic test images, a point served over NBD in the foreground.
 * Hidden from the main help.
 */
@Command(name = "dev", hidden = true, description = "Test images for benchmarks and demos; the start-up training workload.", mixinStandardHelpOptions = true)
final class DevCommand {

    @Command(name = "make-image", mixinStandardHelpOptions = true, description = "Write a deterministic mixed sparse raw image (random, text, holes, duplicates).")
    static final class MakeImage implements Callable<Integer> {
        @Option(names = "--size", required = true, converter = Values.SizeConverter.class, description = "Size of the image, e.g. 4G.") long size;
        @Option(names = "--seed", defaultValue = "1", description = "Seed of the content (default: ${DEFAULT-VALUE}).") long seed;
        @Parameters(paramLabel = "FILE", description = "The raw image to create.") Path file;

        @Override
        public Integer call() throws Exception {
            SampleImage.Summary s = SampleImage.create(file, size, seed);
            Cli.out().line("{\"file\":\"%s\",\"size\":%d,\"randomBytes\":%d,\"textBytes\":%d,\"holeBytes\":%d,\"duplicateBytes\":%d}",
                    file, size, s.random(), s.text(), s.holes(), s.duplicates());
            return 0;
        }
    }

    @Command(name = "scatter", mixinStandardHelpOptions = true, description = "Overwrite scattered ranges (4 KiB-1 MiB each) with random data.")
    static final class Scatter implements Callable<Integer> {
        @Option(names = "--fraction", required = true, description = "Fraction of the image to change, e.g. 0.02.") double fraction;
        @Option(names = "--seed", defaultValue = "2", description = "Seed of the changes (default: ${DEFAULT-VALUE}).") long seed;
        @Parameters(paramLabel = "FILE", description = "The raw image to change in place.") Path file;

        @Override
        public Integer call() throws Exception {
            long changed = SampleImage.scatter(file, fraction, seed);
            Cli.out().line("{\"file\":\"%s\",\"changedBytes\":%d}", file, changed);
            return 0;
        }
    }

    @Command(name = "serve-nbd", mixinStandardHelpOptions = true, description = "Serve disks of a point read-only over NBD until standard input closes "
            + "(for benchmarks; mounts and exports with an expiry are server jobs).")
    static final class ServeNbd implements Callable<Integer> {
        @Mixin KeyringOption keyring;
        @Mixin VaultOption vaultOption;
        @Parameters(paramLabel = "POINT", description = "Point id, unique id prefix, or name (its newest point).") String point;
        @Option(names = "--disk", paramLabel = "DISK", description = "A disk to serve (repeatable; default: all).")
        List<String> disks = new ArrayList<>();
        @Option(names = "--socket", required = true, paramLabel = "PATH", description = "Unix socket to create.") Path socket;
        @Option(names = "--tcp-port", paramLabel = "PORT", description = "Also serve on 127.0.0.1:PORT (0: any free port).")
        Integer tcpPort;
        @Option(names = "--cache", paramLabel = "SIZE", converter = Values.SizeConverter.class, defaultValue = "128M",
                description = "Chunk cache size (default: ${DEFAULT-VALUE}).") long cache;

        @Override
        public Integer call() throws Exception {
            InetSocketAddress tcp = tcpPort == null ? null : new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort);
            try (Vault vault = new VaultOpener(keyring.keyRing()).open(vaultOption.require());
                 PointServer server = PointServer.start(vault, new PointServer.Request(point, disks, socket, tcp, cache))) {
                Cli.out().line("{\"point\":\"%s\",\"socket\":\"%s\",\"tcpPort\":%s,\"exports\":%s}",
                        server.point().id(), socket, server.server().tcpAddress().map(a -> Integer.toString(a.getPort())).orElse("null"),
                        server.server().exports().stream().map(e -> "\"" + e.name() + "\"").toList());
                System.out.flush();
                while (System.in.read() >= 0) {
                    // serve until standard input closes
                }
                Cli.err().printf("served %d chunk loads, %d cache hits, %d failed reads%n", server.cache().loads(),
                        server.cache().hits(), server.server().readFailures());
            }
            return 0;
        }
    }
}
