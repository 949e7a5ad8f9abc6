package coffer.engine.instance;

import coffer.virt.agent.ExecStatus;
import coffer.virt.agent.GuestAgent;
import coffer.virt.agent.GuestAgentException;
import coffer.virt.agent.GuestText;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The seed's application freeze and thaw scripts of a Linux guest: {@code /tmp/prescript.sh} and
 * {@code /tmp/postscript.sh}, each a regular file owned by root with mode 0700 ("only root may read, write and
 * execute"). Checked and run through the guest agent ({@code guest-exec}; the check runs {@code stat} in the
 * guest, which every Linux guest with the agent has).
 *
 * <p>Stateless; thread-safe.
 */
final class GuestScripts {
    static final String PRESCRIPT = "/tmp/prescript.sh";
    static final String POSTSCRIPT = "/tmp/postscript.sh";
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);
    private static final String CHECK = "for f in " + PRESCRIPT + " " + POSTSCRIPT + "; do "
            + "if [ -L \"$f\" ]; then echo \"$f symlink\"; "
            + "elif [ -e \"$f\" ]; then stat -c '%n %u %a %F' \"$f\"; "
            + "else echo \"$f missing\"; fi; done";

    private GuestScripts() {
    }

    /** Why the scripts cannot be used (missing, wrong owner, mode or type), or empty when both are right. */
    static Optional<String> problem(GuestAgent agent) throws InterruptedException {
        ExecStatus status;
        try {
            status = agent.run("/bin/sh", List.of("-c", CHECK), CHECK_TIMEOUT);
        } catch (GuestAgentException e) {
            return Optional.of("could not check the scripts in the guest: " + e.agentMessage());
        }
        if (!status.succeeded()) {
            return Optional.of("could not check the scripts in the guest: " + status.describe());
        }
        List<String> problems = new ArrayList<>();
        for (String line : status.out().strip().lines().toList()) {
            problems.addAll(problemsOf(line));
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** One line of the check's output: "PATH missing", "PATH symlink" or "PATH UID MODE TYPE…". */
    static List<String> problemsOf(String guestLine) {
        String line = GuestText.printable(guestLine); // the guest's output: no control characters into messages
        String[] f = line.trim().split(" ", 4);
        if (f.length == 2) {
            return List.of(f[0] + (f[1].equals("missing") ? " is missing" : " is a symbolic link, not the script itself"));
        }
        if (f.length < 4) {
            return List.of("unexpected check output: " + line);
        }
        List<String> problems = new ArrayList<>();
        if (!f[3].equals("regular file") && !f[3].equals("regular empty file")) {
            problems.add(f[0] + " is a " + f[3] + ", not a regular file");
        }
        if (!f[1].equals("0")) {
            problems.add(f[0] + " is owned by uid " + f[1] + ", not root");
        }
        if (!f[2].equals("700")) {
            problems.add(f[0] + " has mode 0" + f[2] + ", not 0700");
        }
        return problems;
    }

    /**
     * Runs a script and waits at most {@code timeout}. Returns why it failed (exit code, signal, stderr; or that
     * it timed out and is left running in the guest), or empty when it exited 0.
     */
    static Optional<String> run(GuestAgent agent, String script, Duration timeout) throws InterruptedException {
        try {
            ExecStatus status = agent.run(script, List.of(), timeout);
            return status.succeeded() ? Optional.empty() : Optional.of(script + " failed: " + status.describe());
        } catch (GuestAgentException e) {
            return Optional.of(script + " did not complete: " + e.agentMessage());
        }
    }
}
