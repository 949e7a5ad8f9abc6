package coffer.engine.operation.hosted;

import coffer.engine.catalog.CatalogKindFixture;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.operation.CreateToken;
import coffer.engine.operation.CreatedToken;
import coffer.engine.operation.RevokeToken;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code coffer token revoke NAME}: a token is revoked by its id; given the name of a live token, the refusal tells
 * that token's id (session 19's walk: it said only "no live token with id 'ops'"), and nothing is revoked.
 */
class RevokeTokenByNameTest extends CatalogKindFixture {

    @Test
    void aTokensNameIsAnsweredWithItsIdAndRevokesNothing() throws Exception {
        Clock clock = Clock.systemUTC();
        open("sqlite", clock);
        HostedOperations operations = LocalOperations.on(catalog, dir, clock);
        CreatedToken ops = operations.call(new CreateToken("ops", "operator"));

        CofferException byName = assertThrows(CofferException.class, () -> operations.call(new RevokeToken("ops")));
        assertEquals(ErrorCode.ResourceNotFound, byName.code());
        assertEquals("no live token with id 'ops'; the live token named 'ops' has id " + ops.token().id()
                + ": revoke it by its id", byName.getMessage());
        assertNull(catalog.tokens().list().stream().filter(t -> t.id().equals(ops.token().id())).findFirst()
                .orElseThrow().revokedAt(), "not revoked");

        CofferException unknown = assertThrows(CofferException.class, () -> operations.call(new RevokeToken("nobody")));
        assertEquals("no live token with id 'nobody'", unknown.getMessage());

        operations.call(new RevokeToken(ops.token().id()));
        CofferException revokedName = assertThrows(CofferException.class, () -> operations.call(new RevokeToken("ops")));
        assertFalse(revokedName.getMessage().contains("has id"), "a revoked token is not offered: " + revokedName.getMessage());
        assertTrue(revokedName.getMessage().startsWith("no live token with id 'ops'"), revokedName.getMessage());
    }
}
