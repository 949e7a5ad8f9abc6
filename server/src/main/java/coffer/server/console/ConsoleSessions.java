package coffer.server.console;

import coffer.engine.catalog.Token;
import coffer.engine.catalog.Tokens;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.server.auth.Role;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sessions, in this server's memory (a restart signs everyone out): opened with a token's secret,
 * ended by signing out, after {@link #LIFETIME}, or as soon as the token is revoked (each request checks the token
 * is still live, so revoking a token closes its sessions too). The cookie is HttpOnly, SameSite=Strict and, under
 * TLS, Secure. Each session has its own CSRF token, compared in constant time. Also holds each session's one
 * pending notice (what the last change did, shown once). Thread-safe.
 */
public final class ConsoleSessions {
    public static final String COOKIE = "coffer_session";
    /** The sign-in form's own CSRF cookie (double-submit: there is no session yet). */
    public static final String LOGIN_COOKIE = "coffer_login";
    public static final Duration LIFETIME = Duration.ofHours(8);

    private final SecureRandom random = new SecureRandom();
    private final Tokens tokens;
    private final Clock clock;
    private final boolean secure;
    private final Map<String, ConsoleSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Notice> notices = new ConcurrentHashMap<>();

    public ConsoleSessions(Tokens tokens, Clock clock, boolean secure) {
        this.tokens = tokens;
        this.clock = clock;
        this.secure = secure;
    }

    /** A new session for the live token with this secret; Unauthorized (not naming the secret) otherwise. */
    public ConsoleSession signIn(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new CofferException(ErrorCode.Unauthorized, "token: paste a token's secret to sign in");
        }
        Token token = tokens.authenticate(secret.strip()).orElseThrow(() ->
                new CofferException(ErrorCode.Unauthorized, "token: the token is unknown or revoked"));
        if (Role.parse(token.role()) == Role.agent) {
            throw new CofferException(ErrorCode.Forbidden, "token '" + token.name() + "' has role agent: it does agent work"
                    + " only (docs/design/agents.md); sign in with a viewer, operator or admin token");
        }
        dropExpired();
        ConsoleSession session = new ConsoleSession(randomId(), token.id(), token.name(), Role.parse(token.role()),
                randomId(), clock.instant().plus(LIFETIME));
        sessions.put(session.id(), session);
        return session;
    }

    /** The live session named by this cookie value: not expired, and its token not revoked. */
    public Optional<ConsoleSession> find(String cookie) {
        if (cookie == null) {
            return Optional.empty();
        }
        ConsoleSession session = sessions.get(cookie);
        if (session == null) {
            return Optional.empty();
        }
        if (!session.expiresAt().isAfter(clock.instant()) || !tokenLive(session.tokenId())) {
            signOut(session);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    public void signOut(ConsoleSession session) {
        sessions.remove(session.id());
        notices.remove(session.id());
    }

    /** Whether {@code given} is this session's CSRF token (constant-time comparison). */
    public static boolean csrfMatches(ConsoleSession session, String given) {
        return given != null && MessageDigest.isEqual(session.csrf().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                given.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Keeps a notice to show on the session's next page. */
    public void notify(ConsoleSession session, Notice notice) {
        notices.put(session.id(), notice);
    }

    /** The pending notice, taken (shown once). */
    public Notice takeNotice(ConsoleSession session) {
        return notices.remove(session.id());
    }

    /** The Set-Cookie value that holds the session (or, with maxAge 0, removes it). */
    public String cookie(String name, String value, long maxAgeSeconds) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    public String randomId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private boolean tokenLive(String tokenId) {
        return tokens.list().stream().anyMatch(t -> t.id().equals(tokenId) && t.revokedAt() == null);
    }

    private void dropExpired() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
        notices.keySet().retainAll(sessions.keySet());
    }
}
