package coffer.virt.agent;

/** What {@code guest-fsfreeze-status} reports: the guest's file systems are frozen or thawed. */
public enum FreezeStatus {
    THAWED,
    FROZEN
}
