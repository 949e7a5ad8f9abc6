package coffer.engine.operation;

import java.util.List;

/** Protected instances. {@code count} is the list's length. */
public record ProtectionList(List<ProtectionView> protections, int count, String nextCursor) {
    public ProtectionList {
        protections = List.copyOf(protections);
    }

    public static ProtectionList of(List<ProtectionView> protections) {
        return new ProtectionList(protections, protections.size(), null);
    }

    /** One page of a paged list: {@code nextCursor} asks for the next page, null on the last. */
    public static ProtectionList of(List<ProtectionView> protections, String nextCursor) {
        return new ProtectionList(protections, protections.size(), nextCursor);
    }
}
