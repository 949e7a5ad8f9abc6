/**
 * Byte layouts of vault objects (docs/format/): the sealed envelope, the vault config, the fixed index.
 * Each reader checks magic and version and fails precisely on anything newer or damaged.
 *
 * <p>JSON is Jackson's (databind) everywhere, with one hand-written piece: {@link coffer.vault.format.CanonicalJson}
 * reads the vault's own small documents (manifests, config, key ring) when they are in exactly the form Coffer writes,
 * and hands anything else to databind. Why not a library: a short-lived command paid databind's per-type
 * introspection and the first Jackson parser's {@code BigDecimal} set-up cold on every start, ~0.09 s of the
 * command-line incremental's critical path (docs/performance.md, session 15), which Jackson's own lighter
 * parser would still pay in part. Values and errors stay databind's: a document the reader does not take is read by databind alone.
 */
package coffer.vault.format;
