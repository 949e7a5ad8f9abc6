package coffer.app.campaign;

import coffer.testing.TestData;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

/**
 * {@code coffer image backup} of a raw image whose data changes before every run (16 MiB rewritten at a random
 * place, so each run stores new chunks), killed at a random moment; the next backup of the same name must
 * succeed.
 *
 * <p>Not thread-safe.
 */
final class ImageBackupKill extends CommandKill {
    static final String DISK = "img.raw";
    private final Path image;

    ImageBackupKill(Coffer coffer, CampaignVault vault, Path dir, long size, Random draw) throws Exception {
        super(coffer, vault, Duration.ofSeconds(2));
        this.image = dir.resolve(DISK);
        randomize(image, 0, size, draw);
    }

    @Override
    public String kind() {
        return "image-backup";
    }

    /** Writes {@code length} random bytes at {@code offset} of {@code file} (creating it). */
    static void randomize(Path file, long offset, long length, Random draw) throws Exception {
        byte[] buffer = new byte[1 << 20];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long done = 0; done < length; done += buffer.length) {
                draw.nextBytes(buffer);
                ch.write(ByteBuffer.wrap(buffer, 0, (int) Math.min(buffer.length, length - done)), offset + done);
            }
        }
    }

    @Override
    public void prepare(Random draw) throws Exception {
        long size = java.nio.file.Files.size(image);
        randomize(image, (draw.nextLong(size - (16 << 20)) >> 20) << 20, 16 << 20, draw);
    }

    @Override
    public Map<String, String> pointData() throws Exception {
        return Map.of(DISK, TestData.sha256(image));
    }

    @Override
    String[] command() {
        return new String[]{"image", "backup", "--vault", vault.path().toString(), "--name", "img", "--threads", "2",
                image.toString()};
    }

    @Override
    public void afterKill(String what) {
    }

    @Override
    public void nothingLeft(String what) {
    }
}
