package coffer.vault;

import coffer.testing.S3Server;
import coffer.vault.backend.Backend;
import coffer.vault.backend.LocalDirectoryBackend;
import coffer.vault.backend.s3.S3Backend;
import coffer.vault.backend.s3.S3Location;
import coffer.vault.backend.s3.S3Settings;
import coffer.vault.crypto.LocalKeyRing;
import coffer.vault.format.FixedIndex;
import coffer.vault.format.ObjectCodec;
import coffer.vault.format.ObjectKind;
import coffer.vault.secret.Secret;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A separate JVM (the test gives it a heap smaller than the index) that writes a fixed index of random, incompressible
 * chunk ids through a vault's backend as a stream and reads it back: the path of a backup's index and of every
 * reader's (docs/format/index.md, "Memory"). Arguments: {@code dir <path>} or {@code s3 <bucket> <prefix>} (endpoint
 * and secret from {@code COFFER_TEST_S3_ENDPOINT} and {@code COFFER_TEST_S3_SECRET}), the key ring file, the number of
 * chunks, a seed. Prints {@code stored <bytes> <sha-256 of the bytes written> <sha-256 of the bytes read back>} and
 * {@code entries equal} when every entry read back is the one written; exits 1 on any failure.
 */
public final class LargeIndexProcessMain {
    private static final int CHUNK = 512 * 1024;

    private LargeIndexProcessMain() {
    }

    public static void main(String[] args) throws Exception {
        int at = args[0].equals("dir") ? 2 : 3;
        Backend backend = args[0].equals("dir") ? new LocalDirectoryBackend(Path.of(args[1]))
                : S3Backend.open(new S3Location(args[1], args[2]), S3Settings.at(URI.create(System.getenv("COFFER_TEST_S3_ENDPOINT")),
                new S3Settings.Credentials(S3Server.ACCESS_KEY_ID, Secret.of(System.getenv("COFFER_TEST_S3_SECRET")))));
        int count = Integer.parseInt(args[at + 1]);
        long seed = Long.parseLong(args[at + 2]);
        try (Vault vault = Vault.create(backend, CHUNK, new LocalKeyRing(Path.of(args[at])))) {
            FixedIndex index = new FixedIndex((long) count * CHUNK, CHUNK);
            if (index.inHeap()) {
                throw new IllegalStateException("the index should be kept in a file (coffer.index.heapBytes)");
            }
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < count; i++) {
                index.set(i, new ChunkId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong()));
            }
            String name = "points/20260101-000000-00000001/disk-0.fidx";
            MessageDigest written = MessageDigest.getInstance("SHA-256");
            long length;
            try (ObjectCodec.Spooled sealed = vault.codec().sealSpooled(ObjectKind.INDEX, name, index.encodedLength(),
                    index::encodeTo)) {
                length = sealed.length();
                backend.putStream(name, length, out -> sealed.writeTo(new java.security.DigestOutputStream(out, written)));
            }
            MessageDigest read = MessageDigest.getInstance("SHA-256");
            try (InputStream in = backend.getStream(name)) {
                in.transferTo(new java.security.DigestOutputStream(OutputStream.nullOutputStream(), read));
            }
            System.out.println("stored " + length + " " + HexFormat.of().formatHex(written.digest()) + " "
                    + HexFormat.of().formatHex(read.digest()));
            FixedIndex back = vault.readIndexObject(name);
            if (back.inHeap() || !back.checksum().equals(index.checksum())) {
                throw new IllegalStateException("read back: in heap " + back.inHeap() + ", checksum " + back.checksum()
                        + " where " + index.checksum() + " was written");
            }
            random = new SplittableRandom(seed);
            for (int i = 0; i < count; i++) {
                ChunkId expected = new ChunkId(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
                if (!back.get(i).equals(expected)) {
                    throw new IllegalStateException("entry " + i + " differs");
                }
            }
            System.out.println("entries equal " + count);
            System.out.println("max heap " + Runtime.getRuntime().maxMemory());
        } catch (Exception | Error e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
        System.exit(0);
    }
}
