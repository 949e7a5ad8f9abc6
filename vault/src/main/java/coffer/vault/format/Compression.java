package coffer.vault.format;

/**
 * The codec a vault compresses new chunks, patches and metadata with, chosen once at creation and recorded in its
 * config (docs/format/config.md). Every object's envelope says which codec, if any, compressed its payload
 * (docs/format/objects.md), so a reader decodes objects of either codec whatever the vault's choice.
 *
 * <ul>
 *   <li>{@link #ZSTD}: zstd at the config's level (default 1): the smaller store.</li>
 *   <li>{@link #LZ4}: an LZ4 block (the LZ4 library's fast compressor, acceleration 1): compresses text about
 *       1.6x as fast as zstd level 1 (about 10 % less CPU per full backup) and stores 13 % more of the benchmark's
 *       disks (docs/performance.md, "Compression level"). A vault with it
 *       has config version 2, so a Coffer that does not know the codec refuses the vault as a newer format
 *       instead of writing zstd objects into it.</li>
 * </ul>
 * Immutable.
 */
public enum Compression {
    ZSTD("zstd", 1),
    LZ4("lz4", 2);

    private final String configName;
    private final int configVersion;

    Compression(String configName, int configVersion) {
        this.configName = configName;
        this.configVersion = configVersion;
    }

    /** The name in the config's {@code compression} field and on the command line. */
    public String configName() {
        return configName;
    }

    /** The config version a vault with this codec is written with (the lowest that knows the codec). */
    public int configVersion() {
        return configVersion;
    }

    /** The codec of that config name, or null when none is. */
    public static Compression named(String name) {
        for (Compression c : values()) {
            if (c.configName.equals(name)) {
                return c;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return configName;
    }
}
