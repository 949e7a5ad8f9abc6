package coffer.engine.operation;

/**
 * An operation that records who asked for it: the server replaces the record's caller with the name of the token
 * that authenticated the request, so a request cannot name someone else.
 */
public interface Attributed<T extends Record> {
    T attributedTo(String caller);
}
