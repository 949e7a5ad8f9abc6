/**
 * Byte layouts of vault objects (docs/format/): the sealed envelope, the vault config, the fixed index.
 * Each reader checks magic and version and fails precisely on anything newer or damaged.
 */
package coffer.vault.format;
