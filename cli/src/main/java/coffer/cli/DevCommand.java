package coffer.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Tools for benchmarks and demonstrations: deterministic test images. Hidden from the main help. */
@Command(name = "dev", hidden = true, description = "Test images for benchmarks and demos; the start-up training workload.", mixinStandardHelpOptions = true,
        subcommands = {DevCommand.MakeImage.class, DevCommand.Scatter.class, TrainCommand.class})
final class DevCommand {

    @Command(name = "make-image", description = "Write a deterministic mixed sparse raw image (random, text, holes, duplicates).")
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

    @Command(name = "scatter", description = "Overwrite scattered ranges (4 KiB-1 MiB each) with random data.")
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
}
