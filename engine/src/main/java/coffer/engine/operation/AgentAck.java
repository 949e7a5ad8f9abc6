package coffer.engine.operation;

/** Whether an agent's report or end was taken: false when the job no longer runs for that agent (found lost). */
public record AgentAck(boolean accepted) {
}
