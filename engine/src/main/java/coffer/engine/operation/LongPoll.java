package coffer.engine.operation;

/**
 * An operation whose answer may wait on the server, bounded (an agent's claim waiting for a job to be queued,
 * docs/design/agents.md "Long polls"). The API serves it without holding one of its request threads while it waits.
 */
public interface LongPoll {
}
