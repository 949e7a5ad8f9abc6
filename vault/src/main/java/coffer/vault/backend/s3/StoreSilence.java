package coffer.vault.backend.s3;

/**
 * Hears when an {@link S3Backend}'s store stops answering and when it answers again, as its requests in flight show it
 * (docs/design/s3.md, "Cancel and stalls"): {@link #silent} when a request got no byte, either way, for
 * {@link RequestWatch#SILENCE} before its answer began (the request goes on: it may still be answered), then
 * {@link #answering} at the next answer of normal use. A server records the vault unanswered at once instead of at its
 * next look. Called on the backend's watch thread ({@link #silent}) or a request's thread ({@link #answering}): must
 * return quickly and must not send requests.
 */
public interface StoreSilence {
    /** Hears nothing. */
    StoreSilence NONE = new StoreSilence() {
        @Override
        public void silent(String why) {
        }

        @Override
        public void answering() {
        }
    };

    /** The store stopped answering; {@code why} says what was seen (no address, no secret). */
    void silent(String why);

    /** The store answered a request of normal use again, after {@link #silent}. */
    void answering();
}
