package coffer.engine.operation;

import java.util.List;

/** Mounts, as {@link ListMounts} asked. {@code count} is the list's length. */
public record MountList(List<MountView> mounts, int count) {
    public MountList {
        mounts = List.copyOf(mounts);
    }

    public static MountList of(List<MountView> mounts) {
        return new MountList(mounts, mounts.size());
    }
}
