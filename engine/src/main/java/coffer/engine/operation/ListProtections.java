package coffer.engine.operation;

/** The protected instances. */
public record ListProtections() implements Operation<ProtectionList> {}
