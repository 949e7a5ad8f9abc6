package coffer.engine.instance;

import coffer.vault.Vault;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.crypto.LocalKeyRing;
import coffer.virt.libvirt.Libvirt;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The shared set-up of the engine's integration tests on libvirt: an encrypted vault in a directory ({@code vault/},
 * key ring {@code keyring.json}), a runtime directory ({@code run/}), a connection to {@code qemu:///system} and the
 * no-OS {@link TestDomain}s the test makes through {@link #domain}. A JUnit 5 extension, registered after the test's
 * {@code @TempDir} with {@code @RegisterExtension final InstanceFixture fx = new InstanceFixture(() -> dir, CHUNK);}:
 * opened before each test (before the class's tests on a static field, for tests sharing one test guest) and closed
 * after it whatever its outcome. Closing removes every domain made here (also when removing another one failed), then
 * closes the connection and the vault; the first failure is thrown with the others suppressed. Skips the test where
 * libvirt does not answer ({@link TestDomain#requireLibvirt}).
 *
 * <p>Not thread-safe; one test (or one class) at a time.
 */
public final class InstanceFixture implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    public static final String URI = "qemu:///system";

    private final Supplier<Path> directory;
    private final int chunkSize;
    private final List<TestDomain> domains = new ArrayList<>();
    private boolean perClass;
    private Path dir;
    private Path runtime;
    private Vault vault;
    private Libvirt libvirt;

    /** Everything under the directory {@code dir} gives when opened; the vault with chunks of {@code chunkSize} bytes. */
    public InstanceFixture(Supplier<Path> dir, int chunkSize) {
        this.directory = dir;
        this.chunkSize = chunkSize;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        perClass = true;
        open();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            open();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Makes the directories, the vault and the connection (as {@link #beforeEach} does). */
    public void open() throws IOException {
        if (libvirt != null) {
            throw new IllegalStateException("already open");
        }
        TestDomain.requireLibvirt();
        Path dir = Objects.requireNonNull(directory.get(), "no directory: register the fixture after the @TempDir field");
        Path runtime = Files.createDirectories(dir.resolve("run"));
        Vault vault = Vault.create(new LocalDirectoryBackend(Files.createDirectories(dir.resolve("vault"))), chunkSize,
                new LocalKeyRing(dir.resolve("keyring.json")));
        try {
            libvirt = Libvirt.connect(URI);
        } catch (RuntimeException e) {
            try {
                vault.close();
            } catch (IOException | RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        this.dir = dir;
        this.runtime = runtime;
        this.vault = vault;
    }

    public Path runtime() {
        return opened(runtime);
    }

    public Vault vault() {
        return opened(vault);
    }

    public Libvirt libvirt() {
        return opened(libvirt);
    }

    /**
     * A new running {@link TestDomain} in the test's directory ({@link TestDomain#create}),
     * removed by {@link #close}.
     */
    public TestDomain domain(Map<String, String> diskFormats, int sizeMiB) throws IOException {
        TestDomain domain = TestDomain.create(opened(dir), diskFormats, sizeMiB);
        domains.add(domain);
        return domain;
    }

    private <T> T opened(T part) {
        if (libvirt == null) {
            throw new IllegalStateException("the fixture is not open");
        }
        return part;
    }

    /** Removes the domains made here, closes the connection and the vault (as {@link #afterEach} does). */
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
        domains.clear();
        if (libvirt != null) {
            try {
                libvirt.close();
            } catch (RuntimeException e) {
                failure = first(failure, e);
            }
        }
        if (vault != null) {
            try {
                vault.close();
            } catch (IOException e) {
                failure = first(failure, new UncheckedIOException(e));
            } catch (RuntimeException e) {
                failure = first(failure, e);
            }
        }
        libvirt = null;
        vault = null;
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
