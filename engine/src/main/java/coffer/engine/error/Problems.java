package coffer.engine.error;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a value being validated (a policy, an operation record), so that all are
 * reported at once. Not thread-safe: one instance per validation, local to a method.
 */
public final class Problems {
    /** One bad value: the code it earns, the field's path ({@code retention.keepLatest}) and what is wrong. */
    public record Problem(ErrorCode code, String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message + (code == ErrorCode.InvalidArgument ? "" : " (" + code + ")");
        }
    }

    private final List<Problem> problems = new ArrayList<>();

    public void add(String field, String message) {
        add(ErrorCode.InvalidArgument, field, message);
    }

    public void add(ErrorCode code, String field, String message) {
        problems.add(new Problem(code, field, message));
    }

    public List<Problem> list() {
        return List.copyOf(problems);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    /**
     * Throws one exception naming every problem. Its code is the most specific present: the seed's
     * {@code PolicyHasPermanentRetention}, then {@code NoDestinationRegion}, else {@code InvalidArgument}.
     */
    public void throwIfAny(String subject) {
        if (problems.isEmpty()) {
            return;
        }
        ErrorCode code = ErrorCode.InvalidArgument;
        for (ErrorCode specific : List.of(ErrorCode.PolicyHasPermanentRetention, ErrorCode.NoDestinationRegion)) {
            if (problems.stream().anyMatch(p -> p.code() == specific)) {
                code = specific;
                break;
            }
        }
        StringBuilder message = new StringBuilder(subject).append(problems.size() == 1 ? " has 1 problem: "
                : " has " + problems.size() + " problems: ");
        for (int i = 0; i < problems.size(); i++) {
            message.append(i == 0 ? "" : "; ").append(problems.get(i));
        }
        throw new CofferException(code, message.toString());
    }

    /** Throws {@code InvalidArgument} at once: for parsers of a single value. */
    public static CofferException invalid(String field, String message) {
        return new CofferException(ErrorCode.InvalidArgument, field + ": " + message);
    }
}
