package coffer.virt.agent;

/**
 * A process started by {@code guest-exec}: running, or exited with its code (or the signal that ended it) and
 * the output it captured (decoded as UTF-8; the agent truncates large output and says so).
 *
 * <p>Immutable; thread-safe.
 *
 * @param exitCode the exit code, or -1 while running or when ended by a signal
 * @param signal   the signal that ended it, or 0
 */
public record ExecStatus(boolean exited, int exitCode, int signal, String out, String err, boolean truncated) {
    /** Exited with code 0. */
    public boolean succeeded() {
        return exited && signal == 0 && exitCode == 0;
    }

    /**
     * "exit code 3", "signal 9", or "running"; with the start of standard error when there is any (at most 5 lines,
     * {@link GuestText#printable printable}).
     */
    public String describe() {
        String how = !exited ? "running" : signal != 0 ? "signal " + signal : "exit code " + exitCode;
        String detail = err.isBlank() ? "" : ": " + GuestText.printable(err.strip().lines().limit(5)
                .reduce((a, b) -> a + " / " + b).orElse("")); // the guest's text: escaped, cut (GuestText)
        return how + detail;
    }
}
