package coffer.vault.backend.s3;

import java.util.regex.Pattern;

/**
 * Where a vault lives in S3: a bucket and an optional key prefix, written {@code s3://bucket} or
 * {@code s3://bucket/some/prefix}. The prefix is kept without slashes at either end; object keys are
 * {@code prefix/name}. Immutable.
 */
public record S3Location(String bucket, String prefix) {
    public static final String SCHEME = "s3://";
    /** Bucket names as S3 allows them for path-style access (3-63 of lower-case letters, digits, '.', '-'). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");

    public S3Location {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("invalid S3 bucket name '" + bucket
                    + "': 3 to 63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
        prefix = prefix == null ? "" : prefix;
        if (!prefix.isEmpty() && (!PREFIX.matcher(prefix).matches() || prefix.contains(".."))) {
            throw new IllegalArgumentException("invalid S3 key prefix '" + prefix
                    + "': segments of letters, digits, '.', '_' and '-' separated by single '/'");
        }
    }

    /** Whether {@code location} is written in the {@code s3://} form. */
    public static boolean isS3(String location) {
        return location != null && location.startsWith(SCHEME);
    }

    /** Parses {@code s3://bucket[/prefix][/]}. */
    public static S3Location parse(String location) {
        if (!isS3(location)) {
            throw new IllegalArgumentException("an S3 vault location starts with s3://, got '" + location + "'");
        }
        String rest = location.substring(SCHEME.length());
        while (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        int slash = rest.indexOf('/');
        return slash < 0 ? new S3Location(rest, "") : new S3Location(rest.substring(0, slash), rest.substring(slash + 1));
    }

    /** The key of object {@code name}. */
    String key(String name) {
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The key prefix of every object of the vault ({@code ""} or {@code prefix/}). */
    String keyPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    @Override
    public String toString() {
        return SCHEME + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
