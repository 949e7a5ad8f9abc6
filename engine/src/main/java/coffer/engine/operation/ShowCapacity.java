package coffer.engine.operation;

/** Logical against stored bytes per vault, instance and disk. */
public record ShowCapacity() implements Operation<CapacityView> {}
