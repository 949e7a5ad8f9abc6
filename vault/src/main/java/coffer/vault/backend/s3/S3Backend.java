package coffer.vault.backend.s3;

import coffer.vault.backend.Backend;
import coffer.vault.backend.BackendException;
import coffer.vault.backend.ObjectInfo;
import coffer.vault.backend.ObjectNames;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.ObjectLockEnabled;
import software.amazon.awssdk.services.s3.model.ObjectLockRetentionMode;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Objects in an S3 bucket, under the location's prefix: object {@code name} is key {@code prefix/name}
 * (docs/design/s3.md).
 *
 * <p>How the {@link Backend} contract maps onto S3:
 * <ul>
 *   <li>atomic publish: one {@code PutObject} per object, which S3 makes visible whole or not at all, except an
 *       object larger than {@link #PART_SIZE} written by {@link #putStream} (a large disk's index): a multipart
 *       upload, visible whole at its completion and aborted on any failure; so there are no temporaries, and
 *       {@link #removeAbandonedUploads} aborts stale multipart uploads (of a killed writer, or of other tools);</li>
 *   <li>durability: a {@code PutObject} that returned is durable; {@link #sync()} has nothing to wait for;</li>
 *   <li>{@link #putIfAbsent}: {@code PutObject} with {@code If-None-Match: *}, answered 412 when the key exists
 *       (atomic on AWS, MinIO, Ceph RGW and s3proxy's file-system stores). A store that answers 501 gets a
 *       {@code HeadObject} then {@code PutObject} from then on, which is correct for the content-addressed
 *       names it is used for but may let two concurrent creators both report success;</li>
 *   <li>modification times are S3's {@code Last-Modified}, to the second (a HEAD answers in whole seconds).</li>
 * </ul>
 * {@link #exists} costs a request, so callers that check many objects SHOULD use what they know instead
 * ({@link #cheapStat()} is false); {@link #ioParallelism()} is the configured number of requests to keep in
 * flight. The credentials never appear in messages: every failure is scrubbed of the access key id and secret.
 *
 * <p>Thread-safe (the SDK client is) and safe across processes and hosts, given S3's strong read-after-write
 * and list-after-write consistency.
 */
public final class S3Backend implements Backend {
    private final S3Client client;
    private final S3Location location;
    private final S3Settings settings;
    private final RequestCounter requests;
    private final S3Failures failures;
    private final RequestWatch watch;
    private final SdkHttpClient http;
    private final AtomicBoolean conditionalPutUnsupported = new AtomicBoolean();
    /** Whether the bucket has Object Lock enabled; null until first asked. */
    private volatile Boolean objectLock;

    private S3Backend(S3Client client, S3Location location, S3Settings settings, RequestCounter requests,
                      S3Failures failures, RequestWatch watch, SdkHttpClient http) {
        this.client = client;
        this.watch = watch;
        this.http = http;
        this.location = location;
        this.settings = settings;
        this.requests = requests;
        this.failures = failures;
    }

    /**
     * Connects to the store (no request is sent yet). Credentials come from the settings, else the AWS chain:
     * environment variables, Java system properties, then the profile file; never from instance metadata.
     *
     * @throws BackendException when no credentials can be found (permanent)
     */
    public static S3Backend open(S3Location location, S3Settings settings) throws BackendException {
        return open(location, settings, new RequestWatch());
    }

    /** As {@link #open(S3Location, S3Settings)}, its requests watched by {@code watch} (tests give other limits). */
    static S3Backend open(S3Location location, S3Settings settings, RequestWatch watch) throws BackendException {
        AwsCredentialsProvider provider = settings.credentials() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.credentials().accessKeyId(),
                settings.credentials().secretAccessKey().reveal()))
                : AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create(),
                SystemPropertyCredentialsProvider.create(),
                settings.profile() == null ? ProfileCredentialsProvider.create() : ProfileCredentialsProvider.create(settings.profile()));
        AwsCredentials credentials;
        try {
            credentials = provider.resolveCredentials();
        } catch (SdkException e) {
            throw new BackendException("no S3 credentials for " + location + ": set AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY, a profile in ~/.aws/credentials (AWS_PROFILE), or the vault's "
                    + "credentials in the configuration", false, null);
        }
        String keyId = credentials.accessKeyId();
        String secret = credentials.secretAccessKey();
        S3Failures failures = new S3Failures(location + " at " + settings.where(),
                text -> text == null ? null : text.replace(secret, "***").replace(keyId, "***"));
        RequestCounter requests = new RequestCounter();
        // the socket timeout bounds a read that gets no byte; the watch aborts requests on a cancel and on a stall
        // of either direction (docs/design/s3.md, "Cancel and stalls")
        SdkHttpClient http = new WatchedHttpClient(Apache5HttpClient.builder()
                .maxConnections(settings.parallelism() + 4)
                .connectionTimeout(Duration.ofSeconds(10))
                .socketTimeout(RequestWatch.STALL_LIMIT)
                .expectContinueEnabled(false) // one round trip per PUT, not two
                .build(), watch);
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .forcePathStyle(settings.pathStyle())
                // chunks carry their own digest or GCM tag, checked on every read: the SDK's own checksums would
                // hash every body once more; each body's CRC-32C is computed here instead, once (crc32c)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(http)
                .putAuthScheme(new UnsignedPayloadScheme())
                .overrideConfiguration(c -> c.addExecutionInterceptor(requests));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        return new S3Backend(builder.build(), location, settings, requests, failures, watch, http);
    }

    public S3Location location() {
        return location;
    }

    /**
     * Creates the bucket unless it exists (what {@code coffer vault init s3://…} does first); returns whether it
     * was created. A bucket that exists but belongs to someone else fails with the store's answer.
     */
    public boolean createBucketIfAbsent() throws BackendException {
        try {
            client.headBucket(b -> b.bucket(location.bucket()));
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failures.of("look up bucket", location.bucket(), e);
            }
        } catch (SdkException e) {
            throw failures.of("look up bucket", location.bucket(), e);
        }
        try {
            client.createBucket(b -> b.bucket(location.bucket()));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException e) {
            return false;
        } catch (SdkException e) {
            throw failures.of("create bucket", location.bucket(), e);
        }
    }

    /** The HTTP requests sent so far, by S3 operation (retries included). */
    public Map<String, Long> requestCounts() {
        return requests.snapshot();
    }

    @Override
    public void put(String name, ByteBuffer data) throws BackendException {
        String key = location.key(ObjectNames.check(name));
        try {
            String crc = crc32c(data);
            client.putObject(b -> b.bucket(location.bucket()).key(key).contentLength((long) data.remaining())
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(crc), body(data));
        } catch (SdkException e) {
            throw failures.of("write", name, e);
        }
    }

    @Override
    public boolean putIfAbsent(String name, ByteBuffer data) throws BackendException {
        String key = location.key(ObjectNames.check(name));
        if (conditionalPutUnsupported.get()) {
            if (stat(name).isPresent()) {
                return false;
            }
            put(name, data);
            return true;
        }
        String crc = crc32c(data);
        for (int attempt = 1; ; attempt++) {
            try {
                client.putObject(b -> b.bucket(location.bucket()).key(key).ifNoneMatch("*")
                        .contentLength((long) data.remaining())
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(crc), body(data));
                return true;
            } catch (S3Exception e) {
                switch (e.statusCode()) {
                    case 412 -> {
                        return false; // the key exists
                    }
                    case 409 -> { // a concurrent conditional write of the same key is in progress: ask again
                        if (attempt >= 5) {
                            throw failures.of("write", name, e);
                        }
                        pause(attempt);
                    }
                    case 501 -> {
                        conditionalPutUnsupported.set(true);
                        return putIfAbsent(name, data);
                    }
                    default -> throw failures.of("write", name, e);
                }
            } catch (SdkException e) {
                throw failures.of("write", name, e);
            }
        }
    }

    @Override
    public ByteBuffer get(String name) throws BackendException {
        String key = location.key(ObjectNames.check(name));
        try {
            return client.getObject(b -> b.bucket(location.bucket()).key(key), S3Backend::readWhole);
        } catch (SdkException e) {
            throw failures.of("get", name, e);
        } catch (UncheckedIOException e) {
            throw failures.interrupted("get", name, e.getCause());
        }
    }

    /**
     * Objects up to {@link #PART_SIZE} go in one {@code PutObject} (collected in memory); larger ones in a multipart
     * upload of parts of that size, one part in memory at a time, which S3 makes visible whole only at
     * {@code CompleteMultipartUpload}. Any failure, or a cancel, aborts the upload: nothing is published and the store
     * keeps no part (docs/design/s3.md, "large objects").
     */
    @Override
    public void putStream(String name, long length, Content content) throws java.io.IOException {
        if (length <= PART_SIZE) {
            Backend.super.putStream(name, length, content);
            return;
        }
        String key = location.key(ObjectNames.check(name));
        String uploadId;
        try {
            uploadId = client.createMultipartUpload(b -> b.bucket(location.bucket()).key(key)
                    .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)).uploadId();
        } catch (SdkException e) {
            throw failures.of("write", name, e);
        }
        try {
            PartOutput out = new PartOutput(name, key, uploadId);
            content.writeTo(out);
            out.flushPart();
            if (out.written != length) {
                throw new IllegalArgumentException("'" + name + "': wrote " + out.written + " bytes, " + length + " declared");
            }
            client.completeMultipartUpload(b -> b.bucket(location.bucket()).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(out.parts)));
        } catch (SdkException e) {
            BackendException failure = failures.of("write", name, e);
            abortUpload(key, uploadId, failure);
            throw failure;
        } catch (java.io.IOException | RuntimeException | Error e) {
            abortUpload(key, uploadId, e);
            throw e;
        }
    }

    /** Size of a multipart upload's parts, and the largest object written in one {@code PutObject} by {@link #putStream}. */
    static final int PART_SIZE = 8 << 20;

    /** Aborts a multipart upload, on a thread's interrupt too (cleared for the call, then restored). */
    private void abortUpload(String key, String uploadId, Throwable failure) {
        boolean interrupted = Thread.interrupted();
        try {
            client.abortMultipartUpload(b -> b.bucket(location.bucket()).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            failure.addSuppressed(failures.of("abort the upload of", key, e)); // left for removeAbandonedUploads
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Collects a part, uploads it when full. */
    private final class PartOutput extends java.io.OutputStream {
        private final String name;
        private final String key;
        private final String uploadId;
        private final byte[] part = new byte[PART_SIZE];
        private int filled;
        long written;
        final List<software.amazon.awssdk.services.s3.model.CompletedPart> parts = new ArrayList<>();

        PartOutput(String name, String key, String uploadId) {
            this.name = name;
            this.key = key;
            this.uploadId = uploadId;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            while (len > 0) {
                int n = Math.min(len, part.length - filled);
                System.arraycopy(b, off, part, filled, n);
                filled += n;
                written += n;
                off += n;
                len -= n;
                if (filled == part.length) {
                    flushPart();
                }
            }
        }

        void flushPart() throws BackendException {
            if (filled == 0) {
                return;
            }
            int number = parts.size() + 1;
            ByteBuffer bytes = ByteBuffer.wrap(part, 0, filled);
            String crc = crc32c(bytes);
            try {
                String etag = client.uploadPart(b -> b.bucket(location.bucket()).key(key).uploadId(uploadId)
                        .partNumber(number).contentLength((long) filled)
                        .checksumAlgorithm(ChecksumAlgorithm.CRC32_C).checksumCRC32C(crc), body(bytes)).eTag();
                parts.add(software.amazon.awssdk.services.s3.model.CompletedPart.builder().partNumber(number).eTag(etag)
                        .checksumCRC32C(crc).build());
            } catch (SdkException e) {
                throw failures.of("write", name, e);
            }
            filled = 0;
        }
    }

    /**
     * One streamed {@code GetObject}, read as the caller reads. A connection broken mid-body (closed, reset, or a stall
     * the request watch ended) is resumed where it broke: a ranged {@code GetObject} from the bytes read so far, with
     * {@code If-Match} on the first answer's ETag, at most {@link #RESUMES} times per stream; an object replaced in
     * between fails the read rather than splicing two objects (docs/design/s3.md, "A streamed read broken mid-body").
     * A cancel (the thread interrupted) is not resumed. Closing before the end aborts the connection instead of
     * reading the rest.
     */
    @Override
    public java.io.InputStream getStream(String name) throws BackendException {
        String key = location.key(ObjectNames.check(name));
        return new ResumingBody(name, key, openBody(name, key, 0, null));
    }

    /** How many times one streamed read resumes after its connection broke, before the failure is the caller's. */
    static final int RESUMES = 5;

    private software.amazon.awssdk.core.ResponseInputStream<GetObjectResponse> openBody(String name, String key, long from,
                                                                                         String etag) throws BackendException {
        try {
            return client.getObject(b -> {
                b.bucket(location.bucket()).key(key);
                if (from > 0) {
                    b.range("bytes=" + from + "-").ifMatch(etag);
                }
            });
        } catch (S3Exception e) {
            if (e.statusCode() == 412 && etag != null) {
                throw changed(name);
            }
            throw failures.of("get", name, e);
        } catch (SdkException e) {
            throw failures.of("get", name, e);
        }
    }

    private BackendException changed(String name) {
        return failures.of("get", name, "the object was replaced while it was read (its ETag changed); read it again",
                true);
    }

    /** A streamed body that resumes with a ranged request where its connection broke. */
    private final class ResumingBody extends java.io.InputStream {
        private final String name;
        private final String key;
        private final String etag;
        private final long length;
        private software.amazon.awssdk.core.ResponseInputStream<GetObjectResponse> response;
        private long position;
        private int resumes;
        private boolean ended;

        ResumingBody(String name, String key, software.amazon.awssdk.core.ResponseInputStream<GetObjectResponse> response) {
            this.name = name;
            this.key = key;
            this.response = response;
            this.etag = response.response().eTag();
            Long announced = response.response().contentLength();
            this.length = announced == null ? -1 : announced;
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (len == 0) {
                return 0;
            }
            while (true) {
                java.io.IOException broken;
                try {
                    int n = response.read(b, off, len);
                    if (n >= 0) {
                        position += n;
                        return n;
                    }
                    if (length < 0 || position >= length) {
                        ended = true;
                        return -1;
                    }
                    broken = new java.io.EOFException("the store ended the body after " + position + " of " + length
                            + " bytes");
                } catch (java.io.IOException e) {
                    broken = e;
                } catch (SdkException e) {
                    broken = new java.io.IOException(e.getMessage());
                }
                resume(broken);
            }
        }

        /** Opens the rest of the body after {@code broken}, or throws when it was a cancel or the resumes are spent. */
        private void resume(java.io.IOException broken) throws BackendException {
            RequestWatch.restoreInterrupt();
            if (Thread.currentThread().isInterrupted() || etag == null || length < 0 || resumes >= RESUMES) {
                BackendException failure = failures.interrupted("get", name, broken);
                throw resumes == 0 ? failure : new BackendException(failure.getMessage() + " (the read had resumed "
                        + resumes + " times after its connection broke)", true, null);
            }
            resumes++;
            response.abort();
            closeQuietly(response);
            response = openBody(name, key, position, etag);
            if (!etag.equals(response.response().eTag())) { // a store that ignored If-Match
                response.abort();
                throw changed(name);
            }
        }

        /** How many times this read resumed (for tests). */
        int resumes() {
            return resumes;
        }

        @Override
        public void close() throws java.io.IOException {
            if (!ended) {
                response.abort();
            }
            response.close();
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (java.io.IOException | RuntimeException ignored) {
            // a broken connection's body: already aborted
        }
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws BackendException {
        String key = location.key(ObjectNames.check(name));
        try {
            HeadObjectResponse head = client.headObject(b -> b.bucket(location.bucket()).key(key));
            return Optional.of(new ObjectInfo(name, head.contentLength(), seconds(head.lastModified())));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failures.of("stat", name, e);
        } catch (SdkException e) {
            throw failures.of("stat", name, e);
        }
    }

    @Override
    public void delete(String name) throws BackendException {
        String key = location.key(ObjectNames.check(name));
        try {
            client.deleteObject(b -> b.bucket(location.bucket()).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw failures.of("delete", name, e);
            }
        } catch (SdkException e) {
            throw failures.of("delete", name, e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws BackendException {
        ObjectNames.checkPrefix(prefix);
        String keyPrefix = location.keyPrefix();
        List<ObjectInfo> result = new ArrayList<>();
        try {
            for (S3Object object : client.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(keyPrefix + prefix))
                    .contents()) {
                String name = object.key().substring(keyPrefix.length());
                if (isObjectName(name)) {
                    result.add(new ObjectInfo(name, object.size(), seconds(object.lastModified())));
                }
            }
        } catch (SdkException e) {
            throw failures.of("list", prefix, e);
        }
        return result;
    }

    /** One delimiter listing: S3 answers with the next segments (common prefixes) without the objects below. */
    @Override
    public List<String> listChildren(String prefix) throws BackendException {
        ObjectNames.checkChildPrefix(prefix);
        String full = location.keyPrefix() + prefix;
        TreeSet<String> children = new TreeSet<>();
        try {
            var pages = client.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(full).delimiter("/"));
            for (var page : pages) {
                for (CommonPrefix common : page.commonPrefixes()) {
                    String child = common.prefix().substring(full.length());
                    children.add(child.endsWith("/") ? child.substring(0, child.length() - 1) : child);
                }
                for (S3Object object : page.contents()) {
                    children.add(object.key().substring(full.length()));
                }
            }
        } catch (SdkException e) {
            throw failures.of("list", prefix, e);
        }
        return List.copyOf(children);
    }

    /** A {@code PutObject} that returned is durable. */
    @Override
    public void sync() {
    }

    /** Aborts multipart uploads under the vault's prefix started before {@code olderThan}. */
    @Override
    public int removeAbandonedUploads(Instant olderThan) throws BackendException {
        int removed = 0;
        try {
            for (MultipartUpload upload : client.listMultipartUploadsPaginator(
                    b -> b.bucket(location.bucket()).prefix(location.keyPrefix())).uploads()) {
                if (upload.initiated() != null && upload.initiated().isBefore(olderThan)) {
                    client.abortMultipartUpload(b -> b.bucket(location.bucket()).key(upload.key()).uploadId(upload.uploadId()));
                    removed++;
                }
            }
        } catch (S3Exception e) {
            if (e.statusCode() == 501) {
                return 0; // a store without multipart listing has nothing this vault could have left
            }
            throw failures.of("list multipart uploads", location.keyPrefix(), e);
        } catch (SdkException e) {
            throw failures.of("list multipart uploads", location.keyPrefix(), e);
        }
        return removed;
    }

    /**
     * Where the bucket has Object Lock enabled, sets a COMPLIANCE retention until {@code until} on the current
     * version of {@code name} (never shortened: S3 refuses that itself). Asks the bucket's lock configuration once;
     * a store without Object Lock (s3proxy answers 501) returns false and the vault's own refusal stands alone.
     */
    @Override
    public boolean retain(String name, Instant until) throws BackendException {
        String key = location.key(ObjectNames.check(name));
        if (!objectLockEnabled()) {
            return false;
        }
        try {
            client.putObjectRetention(b -> b.bucket(location.bucket()).key(key)
                    .retention(r -> r.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(until)));
            return true;
        } catch (SdkException e) {
            throw failures.of("set the retention of", name, e);
        }
    }

    /** Whether the bucket has Object Lock enabled (asked once). */
    public boolean objectLockEnabled() throws BackendException {
        Boolean known = objectLock;
        if (known == null) {
            try {
                var configuration = client.getObjectLockConfiguration(b -> b.bucket(location.bucket()))
                        .objectLockConfiguration();
                known = configuration != null && configuration.objectLockEnabled() == ObjectLockEnabled.ENABLED;
            } catch (S3Exception e) {
                if (e.statusCode() != 404 && e.statusCode() != 501 && e.statusCode() != 400) {
                    throw failures.of("read the object lock configuration of", location.bucket(), e);
                }
                known = false; // no configuration (404), or a store that has no Object Lock (501)
            } catch (SdkException e) {
                throw failures.of("read the object lock configuration of", location.bucket(), e);
            }
            objectLock = known;
        }
        return known;
    }

    @Override
    public boolean cheapStat() {
        return false;
    }

    @Override
    public int ioParallelism() {
        return settings.parallelism();
    }

    @Override
    public String describe() {
        return "S3 " + location + " at " + settings.where();
    }

    @Override
    public void close() {
        client.close();
        http.close(); // a client given to the builder is not closed with the S3 client
        watch.close();
    }

    /** Requests in flight now (for tests: none is left once a cancelled call returned). */
    int requestsInFlight() {
        return watch.inFlight();
    }

    /** Requests of cancelled runs' cleanups that ran out of patience (for tests). */
    long cleanupAborts() {
        return watch.cleanupAborts();
    }

    /**
     * How long ago the store last answered a request of normal use (a success, a 404 of a look-up, a conditional
     * write's 409 or 412); empty before the first. A server counts such an answer as a look at the vault (docs/server.md,
     * "Vaults that do not answer").
     */
    public Optional<Duration> sinceLastAnswer() {
        return watch.sinceLastAnswer();
    }

    /**
     * Whether the store stopped answering: a request went without a byte, either way, for {@link RequestWatch#SILENCE}
     * before its answer began, and none was answered since. An answer of normal use before that does not make the
     * store answering (docs/design/s3.md, "Cancel and stalls").
     */
    public boolean silent() {
        return watch.silent();
    }

    /** {@code listener} hears when the store stops answering and when it answers again (replaces an earlier one). */
    public void listen(StoreSilence listener) {
        watch.listen(listener);
    }

    /** The body read straight into an array of its announced length (no growing buffer, no second copy). */
    private static ByteBuffer readWhole(GetObjectResponse response, java.io.InputStream in) {
        try {
            Long announced = response.contentLength();
            if (announced == null || announced > Integer.MAX_VALUE - 64) {
                return ByteBuffer.wrap(in.readAllBytes());
            }
            byte[] bytes = new byte[announced.intValue()];
            int read = in.readNBytes(bytes, 0, bytes.length);
            if (read != bytes.length) {
                throw new java.io.EOFException("the store sent " + read + " of " + bytes.length + " bytes");
            }
            return ByteBuffer.wrap(bytes);
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The CRC-32C of the buffer's remaining bytes as S3 writes it ({@code x-amz-checksum-crc32c}: base64 of the four
     * bytes, big-endian). Sent with every body so the store refuses one changed on the way (400 {@code BadDigest}),
     * and so a bucket with a default Object Lock retention, which demands a checksum, takes the write
     * (docs/design/s3.md, "Integrity of what is sent"). The JDK's CRC-32C is an intrinsic from the interpreter up.
     */
    static String crc32c(ByteBuffer data) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(data.duplicate());
        int value = (int) crc.getValue();
        return java.util.Base64.getEncoder().encodeToString(new byte[]{
                (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    /** The buffer's remaining bytes as a request body, without a copy (the call returns before the caller reuses it). */
    private static RequestBody body(ByteBuffer data) {
        ByteBuffer view = data.duplicate();
        int length = view.remaining();
        if (!view.hasArray()) {
            byte[] copy = new byte[length];
            view.get(copy);
            return RequestBody.fromBytes(copy);
        }
        byte[] array = view.array();
        int offset = view.arrayOffset() + view.position();
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(array, offset, length), length,
                "application/octet-stream");
    }

    private static boolean isObjectName(String name) {
        try {
            ObjectNames.check(name);
            return true;
        } catch (IllegalArgumentException foreign) {
            return false; // a key another tool wrote under the prefix: not an object of the vault
        }
    }

    private static Instant seconds(Instant modified) {
        return modified == null ? Instant.EPOCH : modified.truncatedTo(ChronoUnit.SECONDS);
    }

    private static void pause(int attempt) throws BackendException {
        try {
            Thread.sleep(20L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted", false, e);
        }
    }
}
