package coffer.engine.operation;

import java.util.List;

/** Mounts, one page as {@link ListMounts} asked. {@code count} is the page's length; {@code nextCursor} asks for the next (null: the last). */
public record MountList(List<MountView> mounts, int count, String nextCursor) {
    public MountList {
        mounts = List.copyOf(mounts);
    }

    public static MountList of(List<MountView> mounts) {
        return new MountList(mounts, mounts.size(), null);
    }

    public static MountList of(List<MountView> mounts, String nextCursor) {
        return new MountList(mounts, mounts.size(), nextCursor);
    }
}
