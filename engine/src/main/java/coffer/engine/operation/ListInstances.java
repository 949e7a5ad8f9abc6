package coffer.engine.operation;

import coffer.engine.error.Problems;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Set;

/**
 * One page of instances with their disks, by name then id, filtered on the server: of one {@code host}; only the
 * protected (or unprotected) ones; in one {@code state} (libvirt's: {@code running}, {@code shutoff}, …, or
 * {@code gone}); the members of a {@code group} (id or name); on the hosts of a {@code region}. The page after
 * {@code cursor} (the previous page's {@code nextCursor}); at most {@code limit} instances (1 to {@value #MAX_LIMIT};
 * default {@value #DEFAULT_LIMIT}).
 */
public record ListInstances(String host, @JsonProperty("protected") Boolean protectedOnly, String state, String group,
                            String region, String cursor, Integer limit) implements Operation<InstanceList> {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    static final Set<String> STATES = Set.of("running", "blocked", "paused", "shutdown", "shutoff", "crashed",
            "pmsuspended", "nostate", "gone");

    public ListInstances {
        Problems problems = new Problems();
        Rules.name(problems, "region", region, "a region: ");
        Rules.oneOf(problems, "state", state, STATES);
        Rules.namePage(problems, cursor, limit, MAX_LIMIT);
        problems.throwIfAny("instance list request");
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
        return new ListInstances(host, protectedOnly, state, group, region, next, limit);
    }

    /** The page size asked, or the default. */
    public int pageSize() {
        return limit == null ? DEFAULT_LIMIT : limit;
    }
}
