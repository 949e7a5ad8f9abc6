package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.job.JobRunner;
import org.junit.jupiter.api.AfterEach;

/**
 * The catalog per database kind of {@link CatalogKindFixture} and, beside it, an agent's side as a test sets it up: its
 * runner ({@link #runner}) and the catalog it works on ({@link #working}), both closed after each test, before the
 * server's catalog and its database. Not thread-safe (one test at a time).
 */
abstract class AgentRunnerFixture extends CatalogKindFixture {
    Catalog working;
    JobRunner runner;

    /** Runs before {@link CatalogKindFixture}'s, which closes the server's catalog and its database. */
    @AfterEach
    void closeAgent() throws Exception {
        try {
            if (runner != null) {
                runner.close();
            }
        } finally {
            if (working != null) {
                working.close();
            }
        }
    }
}
