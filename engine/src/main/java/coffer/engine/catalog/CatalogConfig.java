package coffer.engine.catalog;

import java.nio.file.Path;

/** Where the catalog lives: a JDBC URL ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}). */
public record CatalogConfig(String jdbcUrl, String user, String password, int maxPoolSize) {
    public static CatalogConfig sqlite(Path file) {
        return new CatalogConfig("jdbc:sqlite:" + file.toAbsolutePath(), null, null, 4);
    }
}
