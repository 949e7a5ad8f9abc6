package coffer.engine.operation;

/** The server's recent space reclaim steps of every vault, newest first, with the totals since it started. */
public record ListReclaims() implements Operation<ReclaimList> {
}
