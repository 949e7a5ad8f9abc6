package coffer.engine.operation;

import java.util.List;

/** Protected instances. {@code count} is the list's length. */
public record ProtectionList(List<ProtectionView> protections, int count) {
    public ProtectionList {
        protections = List.copyOf(protections);
    }

    public static ProtectionList of(List<ProtectionView> protections) {
        return new ProtectionList(protections, protections.size());
    }
}
