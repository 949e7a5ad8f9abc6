package coffer.engine.operation;

import coffer.engine.error.Problems;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Set;

/**
 * One page of instances with their disks, by name then id, filtered on the server: of one {@code host}; only the
 * protected (or unprotected) ones; in one {@code state} (libvirt's: {@code running}, {@code shutoff}, …, or
 * {@code gone}); the members of a {@code group} (id or name); on the hosts of a {@code region}; whose {@code name} holds
 * the given text (letters A to Z in either case; at most {@value #MAX_NAME_FILTER} characters); only those with at least
 * one point in the catalog ({@code withPoints} true: what a drill can restore) or only those without (false). The page after
 * {@code cursor} (the previous page's {@code nextCursor}); at most {@code limit} instances (1 to {@value #MAX_LIMIT};
 * default {@value #DEFAULT_LIMIT}).
 */
public record ListInstances(String host, @JsonProperty("protected") Boolean protectedOnly, String state, String group,
                            String region, String cursor, Integer limit, String name, Boolean withPoints)
        implements Operation<InstanceList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_NAME_FILTER = 256;
    public static final int MAX_LIMIT = 1000;
    static final Set<String> STATES = Set.of("running", "blocked", "paused", "shutdown", "shutoff", "crashed",
            "pmsuspended", "nostate", "gone");

    public ListInstances {
        Problems problems = new Problems();
        Rules.name(problems, "region", region, "a region: ");
        Rules.oneOf(problems, "state", state, STATES);
        Rules.namePage(problems, cursor, limit, MAX_LIMIT);
        if (name != null && (name.isEmpty() || name.length() > MAX_NAME_FILTER || name.chars().anyMatch(Character::isISOControl))) {
            problems.add("name", "text a name holds: 1 to " + MAX_NAME_FILTER + " characters without control characters, got "
                    + name.length() + " characters");
        }
        problems.throwIfAny("instance list request");
    }

    /** With or without points alike. */
    public ListInstances(String host, Boolean protectedOnly, String state, String group, String region, String cursor,
                         Integer limit, String name) {
        this(host, protectedOnly, state, group, region, cursor, limit, name, null);
    }

    /** Every instance whose name the filter does not narrow. */
    public ListInstances(String host, Boolean protectedOnly, String state, String group, String region, String cursor,
                         Integer limit) {
        this(host, protectedOnly, state, group, region, cursor, limit, null);
    }

    /** The first page of every instance, or of one host's, or only the protected (or unprotected) ones. */
    public ListInstances(String host, Boolean protectedOnly) {
        this(host, protectedOnly, null, null, null, null, null);
    }

    /** The first page of at most {@code limit} instances of every host. */
    public static ListInstances first(int limit) {
        return new ListInstances(null, null, null, null, null, null, limit);
    }

    /** The page after {@code next} of the same list. */
    public ListInstances next(String next) {
        return new ListInstances(host, protectedOnly, state, group, region, next, limit, name, withPoints);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}
