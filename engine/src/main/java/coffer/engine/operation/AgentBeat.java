package coffer.engine.operation;

import java.util.List;

/**
 * The answer to a heartbeat: how many jobs run for the agent, which of them are to be cancelled, and which of the jobs
 * the heartbeat named are no longer the agent's ({@code lost}: failed {@code WorkerLost} while the agent was cut off,
 * or ended otherwise): the agent stops them and cleans up.
 */
public record AgentBeat(int running, List<String> cancelRequested, List<String> lost) {
    public AgentBeat {
        cancelRequested = List.copyOf(cancelRequested);
        lost = lost == null ? List.of() : List.copyOf(lost);
    }
}
