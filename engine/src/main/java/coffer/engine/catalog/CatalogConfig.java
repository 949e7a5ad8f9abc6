package coffer.engine.catalog;

import coffer.vault.secret.Secret;

import java.nio.file.Path;

/**
 * Where the catalog lives: a JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}), the user and
 * password (null: none, or given in the URL) and the pool size. {@link #toString()} and {@link #redactedUrl()}
 * never show a password, in the {@link Secret} or in the URL.
 */
public record CatalogConfig(String jdbcUrl, String user, Secret password, int maxPoolSize) {
    public static CatalogConfig sqlite(Path file) {
        return new CatalogConfig("jdbc:sqlite:" + file.toAbsolutePath(), null, null, 4);
    }

    /** The URL with any {@code password=} parameter replaced by {@code ***}, for messages and logs. */
    public String redactedUrl() {
        return redact(jdbcUrl);
    }

    /** {@code jdbcUrl} with any {@code password=} parameter replaced by {@code ***}. */
    public static String redact(String jdbcUrl) {
        return jdbcUrl == null ? null : jdbcUrl.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    @Override
    public String toString() {
        return "CatalogConfig[jdbcUrl=" + redactedUrl() + ", user=" + user + ", password=" + password
                + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
