package coffer.engine.operation;

import java.util.List;

/** The answer to a heartbeat: how many jobs the agent runs, and which of them are to be cancelled. */
public record AgentBeat(int running, List<String> cancelRequested) {
    public AgentBeat {
        cancelRequested = List.copyOf(cancelRequested);
    }
}
