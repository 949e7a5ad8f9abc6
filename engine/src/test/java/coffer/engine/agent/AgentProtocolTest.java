package coffer.engine.agent;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentProtocolTest {
    @Test
    void aPeerOfTheSameVersionAndProtocolIsTaken() {
        AgentProtocol.requireSame("the server", AgentProtocol.VERSION, AgentProtocol.PROTOCOL, "this agent");
    }

    @Test
    void anotherVersionOrProtocolIsRefusedNamingBoth() {
        CofferException version = assertThrows(CofferException.class,
                () -> AgentProtocol.requireSame("the server", "9.9.9", AgentProtocol.PROTOCOL, "this agent"));
        assertEquals(ErrorCode.AgentVersionMismatch, version.code());
        assertTrue(version.getMessage().contains("the server is Coffer 9.9.9")
                && version.getMessage().contains("this agent is Coffer " + AgentProtocol.VERSION), version.getMessage());
        CofferException protocol = assertThrows(CofferException.class,
                () -> AgentProtocol.requireSame("agent a:1:b", AgentProtocol.VERSION, AgentProtocol.PROTOCOL + 1, "this server"));
        assertEquals(ErrorCode.AgentVersionMismatch, protocol.code());
        assertTrue(protocol.getMessage().contains("agent protocol " + (AgentProtocol.PROTOCOL + 1)), protocol.getMessage());
    }

    @Test
    void agentsOfProtocol4WithoutAnIdentityAndServersOf5RefuseEachOther() {
        assertEquals(5, AgentProtocol.PROTOCOL,
                "5: the announce carries the agent's identity, one agent per host (docs/design/agents.md \"Versions\")");
        CofferException older = assertThrows(CofferException.class,
                () -> AgentProtocol.requireSame("agent a:1:b", AgentProtocol.VERSION, 4, "this server"));
        assertEquals(ErrorCode.AgentVersionMismatch, older.code());
        assertTrue(older.getMessage().contains("(agent protocol 4); this server is Coffer " + AgentProtocol.VERSION
                + " (agent protocol 5)"), older.getMessage());
    }
}
