package coffer.engine.instance;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class PointReadersTest {
    @Test
    void theSampleReadsAsAnInstancePointWithEveryFactSectionAPreviousPointHas() throws Exception {
        // the warm-up only helps while its sample exercises the readers the previous point's read uses
        PointFacts facts = PointReaders.read();
        assertEquals("6f1c2a9e-0000-0000-0000-000000000000", facts.uuid());
        assertEquals("coffer-20261121-063015-3fa2b9c1", facts.checkpoint());
        assertEquals("incremental", facts.disk("vda").mode());
        assertEquals("r", facts.disk("vdb").reason());
        assertNotNull(facts.consistency());
        assertNotNull(facts.expires());
        assertEquals("d", facts.description());
    }
}
