package coffer.virt.domain;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestDriverDomainTest {
    @Test
    void theNodeFileHoldsTheDomainWithItsDiskAndRunState() throws DomainDefinitionException {
        TestDriverDomain running = TestDriverDomain.of("web-1", "6f1c2a8e-3c1d-4e55-9a53-0c0ffe700009",
                Path.of("/images/o'brien.qcow2"));
        String node = running.nodeXml();
        DomainDefinition domain = DomainDefinition.parse(node.substring(node.indexOf("<domain"),
                node.indexOf("</domain>") + "</domain>".length()));
        assertEquals("web-1", domain.name());
        assertEquals("6f1c2a8e-3c1d-4e55-9a53-0c0ffe700009", domain.uuid().orElseThrow());
        assertEquals("/images/o'brien.qcow2", domain.disk("vda").orElseThrow().source());
        assertFalse(node.contains("runstate"), node);
        assertTrue(running.shutOff().nodeXml().contains("<test:runstate>5</test:runstate>"));
    }
}
