/**
 * The QEMU guest agent of a running domain, through {@link coffer.virt.libvirt.Libvirt#agentCommand}: one
 * {@link coffer.virt.agent.GuestAgent} per domain with the commands Coffer uses (ping, OS info, exec and its
 * status, file open/read/write/close, file-system freeze/thaw/status), each with a timeout. Replies are JSON
 * (Jackson); failures are {@link coffer.virt.agent.GuestAgentException}s saying whether the domain has no
 * agent channel, the agent did not answer, or the agent answered with an error (its message kept).
 *
 * <p>Facts about the agent callers must keep in mind (DESIGN §4): {@code guest-exec-status} reports a finished
 * process once and then forgets its pid; a frozen agent refuses {@code guest-exec} and file writes block in
 * the guest until thawed; there is no command to kill a process started with {@code guest-exec}.
 *
 * <p>Must not know: consistency levels, scripts or points (coffer.engine decides what to run and when).
 */
package coffer.virt.agent;
