package coffer.vault.backend.s3;

import coffer.vault.secret.Secret;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach an S3-compatible store: endpoint, region, addressing, credentials and how many requests to
 * keep in flight. Immutable; {@link #toString()} never shows the secret.
 *
 * @param endpoint    the store's URL ({@code http://127.0.0.1:9000}); null for AWS's own endpoint of the region
 * @param region      the signing region ({@code us-east-1} unless the store needs another)
 * @param pathStyle   {@code http://host/bucket/key} addressing (what MinIO, Ceph RGW and s3proxy expect);
 *                    false for virtual-host addressing ({@code http://bucket.host/key})
 * @param credentials an access key from the configuration; null to take the usual AWS chain
 *                    ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, then the profile file)
 * @param profile     the profile of {@code ~/.aws/credentials} the chain reads; null for {@code AWS_PROFILE} or
 *                    {@code default}
 * @param parallelism requests a backup, restore or verify keeps in flight (1 to 256)
 */
public record S3Settings(URI endpoint, String region, boolean pathStyle, Credentials credentials, String profile,
                         int parallelism) {
    public static final String DEFAULT_REGION = "us-east-1";
    /** Enough requests in flight to hide a loopback or LAN round trip behind the chunk pipeline's CPU work. */
    public static final int DEFAULT_PARALLELISM = 16;

    /** An access key pair; the secret is a {@link Secret}. */
    public record Credentials(String accessKeyId, Secret secretAccessKey) {
        public Credentials {
            if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null) {
                throw new IllegalArgumentException("S3 credentials need an access key id and a secret access key");
            }
        }

        @Override
        public String toString() {
            return "Credentials[accessKeyId=***, secretAccessKey=***]";
        }
    }

    public S3Settings {
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        if (parallelism < 1 || parallelism > 256) {
            throw new IllegalArgumentException("S3 parallelism must be 1 to 256, got " + parallelism);
        }
        if (endpoint != null && (endpoint.getScheme() == null || !endpoint.getScheme().matches("https?")
                || endpoint.getHost() == null)) {
            throw new IllegalArgumentException("S3 endpoint must be an http:// or https:// URL with a host, got '"
                    + endpoint + "'");
        }
    }

    /** AWS itself: the region's endpoint, virtual-host addressing, the AWS credential chain. */
    public static S3Settings aws(String region) {
        return new S3Settings(null, region, false, null, null, DEFAULT_PARALLELISM);
    }

    /** An S3-compatible store at {@code endpoint}, path-style, with the given key pair (null: the AWS chain). */
    public static S3Settings at(URI endpoint, Credentials credentials) {
        return new S3Settings(endpoint, DEFAULT_REGION, true, credentials, null, DEFAULT_PARALLELISM);
    }

    /**
     * The settings named by the environment, as the command line takes them: {@code COFFER_S3_ENDPOINT}
     * (path-style when set), {@code COFFER_S3_REGION} or {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID} with
     * {@code AWS_SECRET_ACCESS_KEY}, else the profile file ({@code AWS_PROFILE}) of the AWS chain;
     * {@code COFFER_S3_PARALLELISM} the requests in flight (default {@value #DEFAULT_PARALLELISM}).
     */
    public static S3Settings fromEnvironment(Map<String, String> env) {
        String endpoint = env.get("COFFER_S3_ENDPOINT");
        String region = Optional.ofNullable(env.get("COFFER_S3_REGION")).orElse(env.get("AWS_REGION"));
        String keyId = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        Credentials credentials = keyId != null && !keyId.isBlank() && secret != null
                ? new Credentials(keyId, Secret.of(secret)) : null;
        return new S3Settings(endpoint == null || endpoint.isBlank() ? null : URI.create(endpoint), region,
                endpoint != null && !endpoint.isBlank(), credentials, env.get("AWS_PROFILE"), parallelism(env));
    }

    private static int parallelism(Map<String, String> env) {
        String value = env.get("COFFER_S3_PARALLELISM");
        if (value == null || value.isBlank()) {
            return DEFAULT_PARALLELISM;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("COFFER_S3_PARALLELISM must be a number of requests (1 to 256), got '"
                    + value + "'");
        }
    }

    public S3Settings withEndpoint(URI newEndpoint, boolean newPathStyle) {
        return new S3Settings(newEndpoint, region, newPathStyle, credentials, profile, parallelism);
    }

    public S3Settings withCredentials(Credentials newCredentials) {
        return new S3Settings(endpoint, region, pathStyle, newCredentials, profile, parallelism);
    }

    public S3Settings withParallelism(int newParallelism) {
        return new S3Settings(endpoint, region, pathStyle, credentials, profile, newParallelism);
    }

    /** Where requests go, for messages: the endpoint, or AWS's of the region. */
    String where() {
        return endpoint != null ? endpoint.toString() : "AWS " + region;
    }
}
