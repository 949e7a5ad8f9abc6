package coffer.engine.vault;

import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a vault lives, as a user names it: a local directory, or {@code s3://bucket[/prefix]} with the settings
 * to reach the store (docs/design/s3.md). {@link #toString()} is the name as typed, never a credential.
 * Immutable.
 */
public sealed interface VaultLocation {
    /** A vault in a local directory. */
    record Directory(Path path) implements VaultLocation {
        @Override
        public Backend backend() {
            return new LocalDirectoryBackend(path);
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** A vault in an S3 bucket, under an optional prefix. */
    record Bucket(S3Location location, S3Settings settings) implements VaultLocation {
        @Override
        public S3Backend backend() throws BackendException {
            return S3Backend.open(location, settings);
        }

        @Override
        public String toString() {
            return location.toString();
        }
    }

    /** A new backend on the location (an S3 client, or the directory); the caller closes it. */
    Backend backend() throws BackendException;

    static VaultLocation directory(Path path) {
        return new Directory(path);
    }

    /**
     * {@code text} as the command line takes it: {@code s3://bucket[/prefix]}, reached with the settings the
     * environment names ({@link S3Settings#fromEnvironment}), or else a directory path.
     *
     * @throws IllegalArgumentException naming what is wrong with an {@code s3://} location
     */
    static VaultLocation parse(String text, Map<String, String> env) {
        if (S3Location.isS3(text)) {
            return new Bucket(S3Location.parse(text), S3Settings.fromEnvironment(env));
        }
        return new Directory(Path.of(text));
    }
}
