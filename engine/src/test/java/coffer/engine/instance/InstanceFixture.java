package coffer.engine.instance;

import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.libvirt.Libvirt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shared set-up of the engine's integration tests on no-OS test domains: an encrypted vault in a directory
 * ({@code vault/}, key ring {@code keyring.json}), a runtime directory ({@code run/}), a connection to
 * {@code qemu:///system} and the {@link TestDomain}s the test makes through {@link #domain}. Opened in a test's
 * {@code @BeforeEach} on its {@code @TempDir}, closed in its {@code @AfterEach}: closing removes every domain made
 * here (also when the test failed, and when removing another one failed), then closes the connection and the vault.
 *
 * <p>Not thread-safe; one per test.
 */
public final class InstanceFixture implements AutoCloseable {
    public static final String URI = "qemu:///system";

    private final Path dir;
    public final Path runtime;
    public final Vault vault;
    public final Libvirt libvirt;
    private final List<TestDomain> domains = new ArrayList<>();

    private InstanceFixture(Path dir, Path runtime, Vault vault, Libvirt libvirt) {
        this.dir = dir;
        this.runtime = runtime;
        this.vault = vault;
        this.libvirt = libvirt;
    }

    /** Everything under {@code dir}, the vault with chunks of {@code chunkSize} bytes; skipped without libvirt. */
    public static InstanceFixture open(Path dir, int chunkSize) throws IOException {
        TestDomain.requireLibvirt();
        Path runtime = Files.createDirectories(dir.resolve("run"));
        Vault vault = Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), chunkSize,
                new LocalKeyRing(dir.resolve("keyring.json")));
        try {
            return new InstanceFixture(dir, runtime, vault, Libvirt.connect(URI));
        } catch (RuntimeException e) {
            try {
                vault.close();
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * A new running {@link TestDomain} in the test's directory ({@link TestDomain#create}),
     * removed by {@link #close}.
     */
    public TestDomain domain(Map<String, String> diskFormats, int sizeMiB) throws IOException {
        TestDomain domain = TestDomain.create(dir, diskFormats, sizeMiB);
        domains.add(domain);
        return domain;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (TestDomain domain : domains) {
            try {
                domain.close();
            } catch (RuntimeException e) {
                failure = first(failure, e);
            }
        }
        try {
            libvirt.close();
        } catch (RuntimeException e) {
            failure = first(failure, e);
        }
        try {
            vault.close();
        } catch (IOException e) {
            failure = first(failure, new UncheckedIOException(e));
        } catch (RuntimeException e) {
            failure = first(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException first(RuntimeException failure, RuntimeException next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
    }
}
