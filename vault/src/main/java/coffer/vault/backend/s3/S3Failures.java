package coffer.vault.backend.s3;

import coffer.vault.backend.BackendException;
import coffer.vault.backend.ObjectNotFoundException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Turns what the AWS SDK throws into the backend contract's exceptions: a missing key into
 * {@link ObjectNotFoundException} (a missing bucket is not a missing key: it fails, naming the bucket's absence),
 * everything else into a {@link BackendException} that says what was done
 * to which object where, S3's error code and status, and whether a retry may help. Every message passes
 * through the scrubber, so neither the access key id nor the secret can reach a log, a job row or an error.
 *
 * <p>Stateless; thread-safe.
 */
final class S3Failures {
    /** Statuses after which repeating the call may succeed: timeouts, throttling, server trouble. */
    private static final List<Integer> RETRYABLE = List.of(408, 429, 500, 502, 503, 504);
    /** S3's error code of a request to a bucket that does not exist (HTTP 404). */
    private static final String NO_SUCH_BUCKET = "NoSuchBucket";

    private final String where;
    private final UnaryOperator<String> scrub;

    S3Failures(String where, UnaryOperator<String> scrub) {
        this.where = where;
        this.scrub = scrub;
    }

    BackendException of(String action, String name, SdkException e) {
        RequestWatch.restoreInterrupt(); // a cancelled request's thread stays interrupted for its caller's cleanup
        String code = e instanceof S3Exception s3 && s3.awsErrorDetails() != null ? s3.awsErrorDetails().errorCode() : null;
        // a bucket that does not exist answers 404 too: that is the vault's whole storage gone or misnamed, never one
        // missing object (a point "not found", a chunk "missing", a location "not a vault" would each mislead)
        if (!NO_SUCH_BUCKET.equals(code) && (e instanceof NoSuchKeyException
                || (e instanceof S3Exception s3 && s3.statusCode() == 404 && "get".equals(action)))) {
            return new ObjectNotFoundException(where, name);
        }
        String detail;
        boolean retryable;
        if (e instanceof S3Exception s3) {
            String message = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorMessage();
            detail = "HTTP " + s3.statusCode() + (code == null ? "" : " " + code) + (message == null ? "" : ": " + message);
            if (s3.statusCode() == 403) {
                // a HEAD's answer has no body, so no S3 error code says why: name what a 403 means
                detail += " (access denied: check the vault's S3 credentials, its access key id and secret, and that"
                        + " they may use bucket and prefix)";
            } else if (NO_SUCH_BUCKET.equals(code)) {
                detail += " (the vault's bucket does not exist: deleted, or its name is wrong)";
            }
            retryable = RETRYABLE.contains(s3.statusCode());
        } else {
            detail = e.getMessage();
            retryable = e instanceof SdkClientException || e.retryable();
        }
        // the SDK's own exception is not kept as the cause: its message and request details are not scrubbed
        return new BackendException(scrub.apply("cannot " + action + " '" + name + "' in " + where + ": " + detail),
                retryable, null);
    }

    /** A failure the backend found itself (not the SDK's), described by {@code detail}. */
    BackendException of(String action, String name, String detail, boolean retryable) {
        return new BackendException(scrub.apply("cannot " + action + " '" + name + "' in " + where + ": " + detail),
                retryable, null);
    }

    /** A transfer cut short (connection closed mid-body): repeating it may succeed. */
    BackendException interrupted(String action, String name, java.io.IOException e) {
        RequestWatch.restoreInterrupt();
        return new BackendException(scrub.apply("cannot " + action + " '" + name + "' in " + where + ": " + e.getMessage()),
                true, null);
    }
}
