package coffer.cli;

import coffer.engine.catalog.TestDatabase;
import coffer.server.CofferServer;

import java.nio.file.Path;
import java.sql.SQLException;

/**
 * The shared set-up of the command-line tests through a server: a real {@code coffer server} in this JVM on an SQLite
 * catalog of its own, with the host {@code local} (qemu:///system) and the vault {@code default} in {@code dir/data}
 * ({@link ServerCliIT#config}), and the command line pointed at it with the admin token. Closed with its catalog.
 *
 * <p>Not thread-safe; one per test.
 */
final class LocalServer implements AutoCloseable {
    private final TestDatabase db;
    private final CofferServer server;

    private LocalServer(TestDatabase db, CofferServer server) {
        this.db = db;
        this.server = server;
    }

    /** Starts a server whose catalog and data lie in {@code dir}. */
    static LocalServer start(Path dir) throws SQLException {
        TestDatabase db = TestDatabase.sqlite(dir);
        try {
            return new LocalServer(db, CofferServer.start(ServerCliIT.config(dir.resolve("data"), db)));
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    CofferServer server() {
        return server;
    }

    /** The command line with {@code args}, through this server as its admin. */
    CliRun cli(String... args) {
        return CliRun.through(server.url(), server.config().adminTokenFile(), args);
    }

    @Override
    public void close() throws SQLException {
        try {
            server.close();
        } finally {
            db.close();
        }
    }
}
