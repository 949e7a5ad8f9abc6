package coffer.engine.drill;

import coffer.engine.JobProgress;
import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.DrillRun;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.error.Errors;
import coffer.engine.instance.InstanceRestore;
import coffer.engine.instance.NewInstance;
import coffer.engine.instance.PointFacts;
import coffer.engine.vault.VaultDirectory;
import coffer.vault.PointManifest;
import coffer.vault.Vault;
import coffer.virt.agent.ExecStatus;
import coffer.virt.agent.GuestAgent;
import coffer.virt.agent.GuestAgentException;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A restore drill (docs/design/assurance.md): proves that the newest point of an instance restores and boots.
 * <ol>
 *   <li>a place in the host's {@link DrillBudget} (waiting at most {@code budgetWait}), and the copies of dead drills
 *       removed ({@link DrillLeftovers});</li>
 *   <li><b>restore</b>: every disk of the newest point of the instance written to a new directory beneath the
 *       drills' directory, and a new domain {@code coffer-drill-<id>} defined from the point's definition made
 *       {@code isolated} (no network interface, no host device, its own consoles; the guest agent's channel only);</li>
 *   <li><b>boot</b>: the copy started, its guest agent pinged until it answers (at most {@code bootTimeout});</li>
 *   <li><b>check</b> (when a command is given): the command run in the copy through the agent (at most
 *       {@code checkTimeout}); exit status 0 passes; its exit status and output (start of) are recorded;</li>
 *   <li><b>cleanup</b>, on every path (failure and cancel included): the copy destroyed and undefined, its directory
 *       deleted. A copy that cannot be removed fails the drill in phase CLEANUP, naming what is left.</li>
 * </ol>
 * A failure in a phase is the drill's result (failed, with the phase and reason), not an exception; the
 * {@link DrillRun} is recorded in the catalog and returned. Only what prevents a drill (no point, the budget taken
 * too long, the catalog) is thrown; a cancelled drill (the calling thread interrupted) cleans up, records nothing and
 * throws Cancelled. The original instance is never touched: the drill reads the vault and acts only on its copy.
 *
 * <p>Thread-safe: drills run concurrently within the budget.
 */
public final class RestoreDrill {
    private static final Logger LOG = LoggerFactory.getLogger(RestoreDrill.class);
    private static final Duration PING = Duration.ofSeconds(1);
    private static final Duration PING_PAUSE = Duration.ofMillis(250);

    private final Libvirt libvirt;
    private final VaultDirectory vaults;
    private final Catalog catalog;
    private final DrillBudget budget;
    private final DrillSettings settings;
    private final Clock clock;

    public RestoreDrill(Libvirt libvirt, VaultDirectory vaults, Catalog catalog, DrillBudget budget,
                        DrillSettings settings, Clock clock) {
        this.libvirt = libvirt;
        this.vaults = vaults;
        this.catalog = catalog;
        this.budget = budget;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * One drill.
     *
     * @param instanceId the instance's UUID (as its points record it)
     * @param vault      the vault's configured name (null: the default vault)
     * @param check      the command to run in the copy (path, then arguments); empty for none
     * @param jobId      the job running it, recorded with the result (null offline)
     */
    public record Request(String instanceId, String vault, List<String> check, String jobId) {
        public Request {
            Objects.requireNonNull(instanceId, "instanceId");
            check = List.copyOf(check);
            if (!check.isEmpty() && check.getFirst().isBlank()) {
                throw new CofferException(ErrorCode.InvalidArgument, "check: the command's path is empty");
            }
        }
    }

    public DrillRun run(Request request, JobProgress progress) {
        Instant started = now();
        String drillId = UUID.randomUUID().toString().substring(0, 8);
        try (DrillBudget.Slot ignored = budget.acquire(libvirt.uri(), settings.budgetWait())) {
            List<String> warnings = new ArrayList<>();
            DrillLeftovers.clean(libvirt, settings.directory(), warnings);
            warnings.forEach(w -> LOG.warn("drill {}: {}", drillId, w));
            String vaultName = vaults.nameOr(request.vault());
            Vault vault = vaults.open(vaultName);
            PointManifest point = newestPoint(vault, vaultName, request.instanceId());
            DrillCopy copy = DrillCopy.of(drillId, settings.directory(), point.id());
            Attempt attempt = new Attempt(drillId, request, vault, vaultName, point, copy, started);
            try {
                attempt.restore(progress);
                attempt.boot();
                attempt.check();
            } catch (PhaseFailed failed) {
                attempt.fail(failed.phase, failed.getMessage());
            } finally {
                List<String> left = copy.remove(libvirt);
                if (!left.isEmpty()) {
                    attempt.fail(DrillRun.Phase.CLEANUP, "could not remove the drill's copy: " + String.join("; ", left));
                }
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("drill " + drillId + " cancelled");
            }
            DrillRun run = attempt.result(now());
            catalog.drillRuns().record(run);
            return run;
        } catch (IOException | RuntimeException e) {
            throw Errors.classify(e);
        }
    }

    private static PointManifest newestPoint(Vault vault, String vaultName, String instanceId) throws IOException {
        PointManifest point = vault.newest(p -> instanceId.equals(PointFacts.of(p).uuid()));
        if (point == null) {
            throw new CofferException(ErrorCode.PointNotFound, "instance " + instanceId + " has no point in vault "
                    + vaultName + " to drill");
        }
        return point;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** A phase that failed: the drill's result, not an error of the drill. */
    private static final class PhaseFailed extends Exception {
        final DrillRun.Phase phase;

        PhaseFailed(DrillRun.Phase phase, String reason) {
            super(reason, null, false, false);
            this.phase = phase;
        }
    }

    /** The steps of one drill and what they found. Not thread-safe: one drill's thread. */
    private final class Attempt {
        private final String id;
        private final Request request;
        private final Vault vault;
        private final String vaultName;
        private final PointManifest point;
        private final DrillCopy copy;
        private final Instant started;
        private Duration restore;
        private Duration boot;
        private Duration check;
        private Integer checkExit;
        private String checkOutput;
        private DrillRun.Phase failedPhase;
        private String reason;

        Attempt(String id, Request request, Vault vault, String vaultName, PointManifest point, DrillCopy copy,
                Instant started) {
            this.id = id;
            this.request = request;
            this.vault = vault;
            this.vaultName = vaultName;
            this.point = point;
            this.copy = copy;
            this.started = started;
        }

        void restore(JobProgress progress) throws PhaseFailed, IOException {
            long t = System.nanoTime();
            try {
                Files.createDirectories(copy.directory());
                new InstanceRestore(libvirt, vault, 0).asNewInstance(point.id(),
                        NewInstance.named(copy.name()).withDirectory(copy.directory()), false,
                        definition -> definition.isolated(copy.description()), progress);
            } catch (CofferException e) {
                if (e.code() == ErrorCode.Cancelled) {
                    throw new InterruptedIOException("drill " + id + " cancelled while restoring");
                }
                throw new PhaseFailed(DrillRun.Phase.RESTORE, e.code() + ": " + e.getMessage());
            } finally {
                restore = Duration.ofNanos(System.nanoTime() - t);
            }
        }

        void boot() throws PhaseFailed, InterruptedIOException {
            long t = System.nanoTime();
            try {
                libvirt.start(copy.name());
            } catch (LibvirtException e) {
                boot = Duration.ofNanos(System.nanoTime() - t);
                throw new PhaseFailed(DrillRun.Phase.BOOT, "the copy did not start: " + e.getMessage());
            }
            GuestAgent agent = new GuestAgent(libvirt, copy.name());
            long deadline = t + settings.bootTimeout().toNanos();
            String last = "no answer yet";
            while (true) {
                try {
                    agent.ping(PING);
                    boot = Duration.ofNanos(System.nanoTime() - t);
                    return;
                } catch (GuestAgentException e) {
                    last = e.getMessage();
                }
                if (System.nanoTime() >= deadline) {
                    boot = Duration.ofNanos(System.nanoTime() - t);
                    throw new PhaseFailed(DrillRun.Phase.BOOT, "the guest agent did not answer within "
                            + settings.bootTimeout() + " of the start (last: " + last + ")");
                }
                pause(PING_PAUSE);
            }
        }

        void check() throws PhaseFailed, InterruptedIOException {
            if (request.check().isEmpty()) {
                return;
            }
            long t = System.nanoTime();
            try {
                ExecStatus status = new GuestAgent(libvirt, copy.name()).run(request.check().getFirst(),
                        request.check().subList(1, request.check().size()), settings.checkTimeout());
                checkExit = status.signal() != 0 ? null : status.exitCode();
                checkOutput = limit(status.out() + (status.err().isEmpty() ? "" : "\n[stderr]\n" + status.err()));
                if (!status.succeeded()) {
                    throw new PhaseFailed(DrillRun.Phase.CHECK, "the check command " + request.check() + " ended with "
                            + status.describe());
                }
            } catch (GuestAgentException e) {
                throw new PhaseFailed(DrillRun.Phase.CHECK, "the check command " + request.check() + " could not run: "
                        + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("drill " + id + " cancelled during its check");
            } finally {
                check = Duration.ofNanos(System.nanoTime() - t);
            }
        }

        void fail(DrillRun.Phase phase, String why) {
            if (failedPhase == null) {
                failedPhase = phase;
                reason = why;
            } else {
                reason = reason + "; then " + phase + ": " + why;
            }
        }

        DrillRun result(Instant finished) {
            return new DrillRun(UUID.randomUUID().toString(), request.instanceId(), point.id(), vaultName,
                    started, finished, failedPhase == null, failedPhase, reason, restore, boot, check, checkExit,
                    checkOutput, request.jobId());
        }

        private String limit(String output) {
            return output.length() <= settings.outputLimit() ? output : output.substring(0, settings.outputLimit());
        }

        private static void pause(Duration duration) throws InterruptedIOException {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("drill cancelled while waiting for the guest agent");
            }
        }
    }
}
