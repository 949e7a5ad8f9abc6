package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * An agent's retry of an interrupted plan's run asks the servers for the point the interrupted run committed in the
 * vault before its worker was lost (agent protocol 4; docs/design/catalog.md "Adopting the point of a lost job"): the
 * server looks for it and adopts it if the catalog lacks it, as its own worker's retry does, and answers it (or none).
 * Only for a backup job running for this agent; the interrupted job is the one the job's plan run names.
 */
public record AdoptInterruptedPoint(String job, String agent) implements Operation<InterruptedRunPoint> {
    public AdoptInterruptedPoint {
        Problems problems = new Problems();
        Rules.required(problems, "job", job, "the retry's job id");
        Rules.required(problems, "agent", agent, "the agent's worker id");
        problems.throwIfAny("interrupted run's point");
    }
}
