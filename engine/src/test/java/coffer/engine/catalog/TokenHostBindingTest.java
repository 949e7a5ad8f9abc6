package coffer.engine.catalog;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent token's host (docs/design/agents.md, "Tokens bound to a host"; catalog V26), on SQLite and PostgreSQL: bound
 * at first use and kept; one live token per host, whether bound at creation or at first use, and of several tokens
 * binding one host at once exactly one wins and the others are refused {@code Forbidden} (never a catalog failure);
 * revoking the holder frees the host. On PostgreSQL, a bind racing another's uncommitted bind of the host is refused by
 * the unique index once that one commits, and answered {@code Forbidden} too.
 */
class TokenHostBindingTest extends CatalogKindFixture {
    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void oneLiveTokenPerHost(String kind) throws Exception {
        open(kind, Clock.systemUTC());
        Tokens tokens = catalog.tokens();
        Token first = tokens.create("agent-1", "agent").token();
        assertNull(first.host(), "made without a host");
        assertEquals("edge", tokens.bindHost(first.id(), "edge").host(), "bound at first use");
        assertEquals("edge", tokens.bindHost(first.id(), "other").host(), "a bound token keeps its host");

        Token second = tokens.create("agent-2", "agent").token();
        CofferException taken = assertThrows(CofferException.class, () -> tokens.bindHost(second.id(), "edge"));
        assertEquals(ErrorCode.Forbidden, taken.code(), taken.getMessage());
        assertTrue(taken.getMessage().contains("agent-1"), taken.getMessage());
        CofferException createdFor = assertThrows(CofferException.class, () -> tokens.create("agent-3", "agent", "edge"));
        assertEquals(ErrorCode.NameTaken, createdFor.code(), createdFor.getMessage());
        assertEquals(ErrorCode.InvalidArgument, assertThrows(CofferException.class,
                () -> tokens.create("viewer-1", "viewer", "edge")).code());
        assertEquals("made", tokens.create("agent-4", "agent", "made").token().host(), "bound at creation");

        assertTrue(tokens.revoke(first.id()));
        assertEquals("edge", tokens.bindHost(second.id(), "edge").host(), "a revoked token's host is free");

        // several unbound tokens binding one host at once: one wins
        List<Token> racing = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            racing.add(tokens.create("racer-" + i, "agent").token());
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> outcomes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racing.size())) {
            for (Token token : racing) {
                outcomes.add(pool.submit(() -> {
                    go.await();
                    try {
                        return tokens.bindHost(token.id(), "contested").host();
                    } catch (CofferException e) {
                        return e.code().name();
                    }
                }));
            }
            go.countDown();
            List<String> answers = new ArrayList<>();
            for (Future<String> outcome : outcomes) {
                answers.add(outcome.get());
            }
            assertEquals(1, answers.stream().filter("contested"::equals).count(), answers.toString());
            assertEquals(racing.size() - 1, answers.stream().filter("Forbidden"::equals).count(), answers.toString());
        }
        assertEquals(1, tokens.list().stream().filter(t -> "contested".equals(t.host()) && t.revokedAt() == null).count());
    }

    @Test
    void onPostgresqlABindRacingAnUncommittedOneIsRefusedForbidden() throws Exception {
        open("postgresql", Clock.systemUTC());
        Token first = catalog.tokens().create("agent-1", "agent").token();
        Token second = catalog.tokens().create("agent-2", "agent").token();
        String url = database.config().jdbcUrl();
        try (Connection holder = DriverManager.getConnection(url); Connection watcher = DriverManager.getConnection(url);
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            holder.setAutoCommit(false);
            try (PreparedStatement bind = holder.prepareStatement("UPDATE tokens SET host = 'raced' WHERE id = ?")) {
                bind.setString(1, first.id());
                assertEquals(1, bind.executeUpdate());
            }
            // the second bind sees no live holder (the first is uncommitted) and waits on the unique index
            Future<String> racing = pool.submit(() -> {
                try {
                    return catalog.tokens().bindHost(second.id(), "raced").host();
                } catch (CofferException e) {
                    return e.code().name();
                }
            });
            Await.until(() -> {
                try (Statement look = watcher.createStatement(); ResultSet waiting = look.executeQuery(
                        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                                + " AND wait_event_type = 'Lock' AND query LIKE 'UPDATE tokens SET host%'")) {
                    return waiting.next() && waiting.getInt(1) > 0;
                }
            }, Duration.ofMinutes(1), "the second bind waiting on the first's uncommitted one");
            holder.commit();
            assertEquals("Forbidden", racing.get(), "refused by the unique index, answered Forbidden");
        }
        assertEquals(List.of("agent-1"), catalog.tokens().list().stream().filter(t -> "raced".equals(t.host()))
                .map(Token::name).toList());
    }
}
