package coffer.server.console;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.ConsoleSessionRecord;
import coffer.engine.catalog.Token;
import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.server.auth.Role;

import java.nio.charset.StandardCharsets;
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
 * The console's sessions, kept in the catalog (catalog V12, {@link coffer.engine.catalog.ConsoleSessions}: only the
 * SHA-256 of a session's id is stored), so they survive a restart and are shared by the servers of one catalog: opened
 * with a token's secret, ended by signing out (the row is deleted), after {@link #LIFETIME}, or as soon as the token is
 * revoked (each request's look-up joins the token and needs it live). Rows past their end are swept at each sign-in.
 * Failed sign-ins are limited per client ({@link SignInThrottle}). The cookie is HttpOnly, SameSite=Strict and, under
 * TLS, Secure. Each session has its own CSRF token, compared in constant time. Also holds each session's one pending
 * notice (what the last change did, shown once) in this server's memory. Thread-safe.
 */
public final class ConsoleSessions {
    public static final String COOKIE = "coffer_session";
    /** The sign-in form's own CSRF cookie (double-submit: there is no session yet). */
    public static final String LOGIN_COOKIE = "coffer_login";
    public static final Duration LIFETIME = Duration.ofHours(8);

    private final SecureRandom random = new SecureRandom();
    private final Catalog catalog;
    private final Clock clock;
    private final boolean secure;
    private final SignInThrottle throttle;
    private final Map<String, TimedNotice> notices = new ConcurrentHashMap<>();

    private record TimedNotice(Notice notice, Instant at) {
    }

    public ConsoleSessions(Catalog catalog, Clock clock, boolean secure) {
        this.catalog = catalog;
        this.clock = clock;
        this.secure = secure;
        this.throttle = new SignInThrottle(clock);
    }

    /**
     * A new session for the live token with this secret, signing in from {@code client} (its address); Unauthorized
     * (not naming the secret) otherwise, and SignInThrottled while that client has failed too often lately.
     */
    public ConsoleSession signIn(String secret, String client) {
        throttle.check(client);
        if (secret == null || secret.isBlank()) {
            throw new CofferException(ErrorCode.Unauthorized, "token: paste a token's secret to sign in");
        }
        Optional<Token> found = catalog.tokens().authenticate(secret.strip());
        if (found.isEmpty()) {
            throttle.failed(client);
            throw new CofferException(ErrorCode.Unauthorized, "token: the token is unknown or revoked");
        }
        throttle.succeeded(client);
        Token token = found.get();
        if (Role.parse(token.role()) == Role.agent) {
            throw new CofferException(ErrorCode.Forbidden, "token '" + token.name() + "' has role agent: it does agent work"
                    + " only (docs/design/agents.md); sign in with a viewer, operator or admin token");
        }
        sweep();
        ConsoleSession session = new ConsoleSession(randomId(), token.id(), token.name(), Role.parse(token.role()),
                randomId(), clock.instant().plus(LIFETIME));
        catalog.consoleSessions().open(session.id(), session.tokenId(), session.csrf(), session.expiresAt());
        return session;
    }

    /** Seconds until {@code client} may sign in again (0: now), for a refusal's {@code Retry-After}. */
    public long retryAfterSeconds(String client) {
        return throttle.retryAfterSeconds(client);
    }

    /** The live session named by this cookie value: not expired, and its token not revoked. */
    public Optional<ConsoleSession> find(String cookie) {
        if (cookie == null || cookie.isEmpty()) {
            return Optional.empty();
        }
        Optional<ConsoleSessionRecord> row = catalog.consoleSessions().findLive(cookie, clock.instant());
        if (row.isEmpty()) {
            notices.remove(cookie);
            return Optional.empty();
        }
        ConsoleSessionRecord r = row.get();
        return Optional.of(new ConsoleSession(cookie, r.tokenId(), r.tokenName(), Role.parse(r.role()), r.csrf(),
                r.expiresAt()));
    }

    public void signOut(ConsoleSession session) {
        catalog.consoleSessions().close(session.id());
        notices.remove(session.id());
    }

    /** Whether {@code given} is this session's CSRF token (constant-time comparison). */
    public static boolean csrfMatches(ConsoleSession session, String given) {
        return given != null && MessageDigest.isEqual(session.csrf().getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    /** Keeps a notice to show on the session's next page. */
    public void notify(ConsoleSession session, Notice notice) {
        notices.put(session.id(), new TimedNotice(notice, clock.instant()));
    }

    /** The pending notice, taken (shown once). */
    public Notice takeNotice(ConsoleSession session) {
        TimedNotice taken = notices.remove(session.id());
        return taken == null ? null : taken.notice();
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

    /** Deletes the ended sessions' rows, and notices no page took within a session's lifetime. */
    private void sweep() {
        Instant now = clock.instant();
        catalog.consoleSessions().sweep(now);
        notices.values().removeIf(n -> !n.at().plus(LIFETIME).isAfter(now));
    }
}
