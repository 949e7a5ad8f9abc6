package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.util.List;

/**
 * Create an API token with one role ({@code admin}, {@code operator}, {@code viewer}, or {@code agent}: a
 * {@code coffer agent}'s, for agent work only); its secret is shown once.
 */
public record CreateToken(String name, String role) implements Operation<CreatedToken> {
    public static final List<String> ROLES = List.of("admin", "operator", "viewer", "agent");

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
        problems.throwIfAny("token request");
    }
}
