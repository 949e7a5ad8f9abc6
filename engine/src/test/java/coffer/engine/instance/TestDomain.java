package coffer.engine.instance;

import coffer.testing.DomainXml;
import coffer.testing.Environment;
import coffer.testing.TestData;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A throwaway libvirt domain with no OS (it sits in firmware, so only the test writes its disks), plus a
 * raw "model" copy of every disk that receives the same writes, so the exact content at any moment is known.
 * Test-side operations use {@code virsh}; the code under test uses the FFM binding.
 */
public final class TestDomain implements AutoCloseable {
    public final String name = "coffer-it-" + UUID.randomUUID().toString().substring(0, 8);
    final Path dir;
    public final Map<String, Path> disks = new LinkedHashMap<>();
    public final Map<String, Path> models = new LinkedHashMap<>();
    private final List<String> extraDomains = new ArrayList<>();

    private TestDomain(Path dir) {
        this.dir = dir;
    }

    public static void requireLibvirt() {
        Environment.requireCommand("virsh");
        Environment.requireCommand("qemu-img");
        Environment.need(run(false, "virsh", "-c", "qemu:///system", "version").exitCode == 0, "libvirtd answering on qemu:///system");
    }

    /** Disks: name → (format, size in MiB); each filled with seeded random data in its first half. */
    public static TestDomain create(Path dir, Map<String, String> diskFormats, int sizeMiB) throws IOException {
        TestDomain domain = new TestDomain(dir);
        int index = 0;
        DomainXml xml = DomainXml.of(domainType(), domain.name);
        for (Map.Entry<String, String> disk : diskFormats.entrySet()) {
            domain.makeDisk(disk.getKey(), disk.getValue(), sizeMiB, 100 + index++);
            xml.disk(disk.getKey(), disk.getValue(), domain.disks.get(disk.getKey()));
        }
        Path file = dir.resolve(domain.name + ".xml");
        Files.writeString(file, xml.xml());
        virsh("define", file.toString());
        virsh("start", domain.name);
        return domain;
    }

    /** Makes the image of {@code target} and its model (the image's file in {@link #disks}). */
    void makeDisk(String target, String format, int sizeMiB, long seed) throws IOException {
        Path model = dir.resolve(name + "-" + target + ".model.raw");
        try (FileChannel ch = FileChannel.open(model, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            SplittableRandom random = new SplittableRandom(seed);
            byte[] buffer = new byte[1 << 20];
            for (int mib = 0; mib < sizeMiB / 2; mib++) {
                random.nextBytes(buffer);
                ch.write(ByteBuffer.wrap(buffer), (long) mib << 20);
            }
        }
        try (var raf = new java.io.RandomAccessFile(model.toFile(), "rw")) {
            raf.setLength((long) sizeMiB << 20);
        }
        Path image = dir.resolve(name + "-" + target + "." + format);
        run(true, "qemu-img", "convert", "-f", "raw", "-O", format, model.toString(), image.toString());
        disks.put(target, image);
        models.put(target, model);
    }

    /** Writes {@code length} bytes of {@code pattern} at {@code offset} through the guest's device, and into the model. */
    public void write(String target, long offset, long length, int pattern) throws IOException {
        int ordinal = new ArrayList<>(disks.keySet()).indexOf(target);
        String command = "qemu-io -d /machine/peripheral/virtio-disk" + ordinal + "/virtio-backend \"write -P 0x"
                + Integer.toHexString(pattern) + " " + offset + " " + length + "\"";
        Result result = run(true, "virsh", "-c", "qemu:///system", "qemu-monitor-command", name, "--hmp", command);
        if (result.output.toLowerCase().contains("error") || result.output.toLowerCase().contains("failed")) {
            throw new IOException("qemu-io failed: " + result.output);
        }
        try (FileChannel ch = FileChannel.open(models.get(target), StandardOpenOption.WRITE)) {
            byte[] data = new byte[(int) length];
            java.util.Arrays.fill(data, (byte) pattern);
            ch.write(ByteBuffer.wrap(data), offset);
        }
    }

    /**
     * Writes {@code length} bytes of seeded random data (incompressible, as encrypted data is) at {@code offset}
     * through the guest's device ({@code qemu-io write -s FILE}, the file in the test's directory), and into the model.
     */
    public void writeRandom(String target, long offset, int length, long seed) throws IOException {
        byte[] data = new byte[length];
        new SplittableRandom(seed).nextBytes(data);
        Path source = dir.resolve(name + "-random-" + seed + ".bin");
        Files.write(source, data);
        try {
            int ordinal = new ArrayList<>(disks.keySet()).indexOf(target);
            String command = "qemu-io -d /machine/peripheral/virtio-disk" + ordinal + "/virtio-backend \"write -s "
                    + source + " " + offset + " " + length + "\"";
            Result result = run(true, "virsh", "-c", "qemu:///system", "qemu-monitor-command", name, "--hmp", command);
            if (result.output.toLowerCase().contains("error") || result.output.toLowerCase().contains("failed")) {
                throw new IOException("qemu-io failed: " + result.output);
            }
        } finally {
            Files.deleteIfExists(source);
        }
        try (FileChannel ch = FileChannel.open(models.get(target), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(data), offset);
        }
    }

    /**
     * Writes {@code data} at {@code offset} into a raw disk's file directly (the domain shut off) and into its
     * model: what a guest could have written there.
     */
    public void overwriteFile(String target, long offset, byte[] data) throws IOException {
        if (!disks.get(target).toString().endsWith(".raw")) {
            throw new IllegalArgumentException(target + " is not a raw disk");
        }
        for (Path file : List.of(disks.get(target), models.get(target))) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(data), offset);
            }
        }
    }

    /** Hot-adds a qcow2 disk (persistently) and gives it a model. */
    void hotAdd(String target, int sizeMiB) throws IOException {
        makeDisk(target, "qcow2", sizeMiB, 999);
        virsh("attach-disk", name, disks.get(target).toString(), target, "--subdriver", "qcow2", "--targetbus", "virtio",
                "--persistent");
    }

    public String sha(String target) throws IOException {
        return TestData.sha256(models.get(target));
    }

    public void adopt(String otherDomain) {
        extraDomains.add(otherDomain);
    }

    static String domainType() {
        String forced = System.getenv("COFFER_TEST_DOMAIN_TYPE");
        if (forced != null) {
            return forced;
        }
        Path probe = Path.of("scripts/domain-type");
        for (Path p : List.of(probe, Path.of("../scripts/domain-type"))) {
            if (Files.isExecutable(p)) {
                String type = run(false, p.toString()).output.trim();
                if (type.equals("kvm") || type.equals("qemu")) {
                    return type;
                }
            }
        }
        return Files.exists(Path.of("/dev/kvm")) ? "kvm" : "qemu";
    }

    public static String virsh(String... args) {
        List<String> command = new ArrayList<>(List.of("virsh", "-c", "qemu:///system"));
        command.addAll(List.of(args));
        return run(true, command.toArray(String[]::new)).output;
    }

    record Result(int exitCode, String output) {
    }

    static Result run(boolean check, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            int code = p.waitFor();
            if (check && code != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (" + code + "): " + output);
            }
            return new Result(code, output);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** sha256 of an image's guest-visible content (qcow2 converted to raw). */
    public static String imageSha(Path image, Path scratch) throws IOException {
        Path raw = scratch.resolve("content-" + UUID.randomUUID() + ".raw");
        run(true, "qemu-img", "convert", "-U", "-O", "raw", image.toString(), raw.toString());
        try {
            return TestData.sha256(raw);
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    @Override
    public void close() {
        for (String domain : extraDomains) {
            run(false, "virsh", "-c", "qemu:///system", "destroy", domain);
            run(false, "virsh", "-c", "qemu:///system", "undefine", domain, "--checkpoints-metadata", "--nvram");
        }
        run(false, "virsh", "-c", "qemu:///system", "destroy", name);
        run(false, "virsh", "-c", "qemu:///system", "undefine", name, "--checkpoints-metadata", "--nvram");
    }
}
