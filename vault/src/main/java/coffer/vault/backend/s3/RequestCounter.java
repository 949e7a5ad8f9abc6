package coffer.vault.backend.s3;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the HTTP requests an {@link S3Backend} sends, by S3 operation ({@code PutObject}, {@code HeadObject},
 * …), retries included: what a backup costs on a store that bills per request (docs/performance.md).
 *
 * <p>Thread-safe.
 */
final class RequestCounter implements ExecutionInterceptor {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        counts.computeIfAbsent(operation == null ? "?" : operation, k -> new LongAdder()).increment();
    }

    /** Requests sent so far, by operation, sorted by name. */
    Map<String, Long> snapshot() {
        Map<String, Long> result = new TreeMap<>();
        counts.forEach((operation, count) -> result.put(operation, count.sum()));
        return result;
    }
}
