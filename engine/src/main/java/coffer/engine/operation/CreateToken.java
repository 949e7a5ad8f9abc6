package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.util.List;

/**
 * Create an API token with one role ({@code admin}, {@code operator}, {@code viewer}, or {@code agent}: a
 * {@code coffer agent}'s, for agent work only); its secret is shown once. {@code host} (agent tokens only, optional):
 * the one host the token acts for; without it, an agent token is bound to the host of its first agent request
 * (docs/design/agents.md).
 */
public record CreateToken(String name, String role, String host) implements Operation<CreatedToken> {
    public static final List<String> ROLES = List.of("admin", "operator", "viewer", "agent");

    /** A token bound to no host. */
    public CreateToken(String name, String role) {
        this(name, role, null);
    }

    public CreateToken {
        Problems problems = new Problems();
        if (name == null || !Rules.NAME.matcher(name).matches()) {
            problems.add("name", "1 to 64 letters, digits, '.', '_', '+' or '-', got " + (name == null ? "nothing" : "'" + name + "'"));
        }
        if (role == null) {
            problems.add("role", "required, one of admin, operator, viewer, agent");
        } else if (!ROLES.contains(role)) {
            problems.add("role", "must be one of admin, operator, viewer, agent, got '" + role + "'");
        }
        if (host != null) {
            Rules.name(problems, "host", host, "the host the agent token acts for");
            if (role != null && !role.equals("agent")) {
                problems.add("host", "only an agent token acts for a host, not a " + role + " token");
            }
        }
        problems.throwIfAny("token request");
    }
}
