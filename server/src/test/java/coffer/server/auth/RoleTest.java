package coffer.server.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoleTest {
    @Test
    void rolesIncludeTheOnesBeforeThem() {
        assertTrue(Role.admin.allows(Role.operator));
        assertTrue(Role.operator.allows(Role.viewer));
        assertFalse(Role.viewer.allows(Role.operator));
    }

    @Test
    void theAgentRoleDoesAgentWorkOnlyAndNoOtherRoleDoesIt() {
        assertTrue(Role.agent.allows(Role.agent));
        for (Role other : new Role[]{Role.viewer, Role.operator, Role.admin}) {
            assertFalse(Role.agent.allows(other), "agent must not do " + other + " work");
            assertFalse(other.allows(Role.agent), other + " must not do agent work");
        }
    }
}
