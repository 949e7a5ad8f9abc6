package coffer.engine.instance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The places of a test of {@link RestoreDirectories}: the one restore directory {@code dir/data/restores}, the
 * directory {@code dir/images} of the instance's disk {@code web-1.qcow2}, and the rule allowing them.
 */
record RestorePlaces(Path restores, Path images, RestoreDirectories rule) {
    static RestorePlaces in(Path dir) throws IOException {
        Path restores = Files.createDirectories(dir.resolve("data/restores"));
        Path images = Files.createDirectories(dir.resolve("images"));
        return new RestorePlaces(restores, images, RestoreDirectories.under(List.of(restores)));
    }

    /** Checks a restore of the instance to {@code file}. */
    void check(Path file) {
        rule.check(file, List.of(images.resolve("web-1.qcow2")));
    }
}
