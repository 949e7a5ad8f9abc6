package coffer.engine.operation;

/** Mounts: the active ones, or with {@code all} also those ended lately (newest first, at most 100). */
public record ListMounts(Boolean all) implements Operation<MountList> {
    public boolean includeEnded() {
        return Rules.flag(all);
    }
}
