package coffer.vault.write;

import coffer.vault.write.WriteStages.Stage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The disk writer's stage times for COFFER_TRACE: summed per stage when on, nothing when off. */
class WriteStagesTest {

    @Test
    void sumsEachStageAndCountsIt() {
        WriteStages stages = new WriteStages(true);
        long start = stages.start();
        stages.add(Stage.READ, start - 2_000_000);
        stages.add(Stage.READ, stages.start() - 1_000_000);
        stages.add(Stage.PUT, stages.start());
        assertEquals(2, stages.count(Stage.READ));
        assertTrue(stages.nanos(Stage.READ) >= 3_000_000, "read time " + stages.nanos(Stage.READ));
        assertEquals(1, stages.count(Stage.PUT));
        assertEquals(0, stages.count(Stage.SEAL));
        assertTrue(stages.summary().contains("read 0.00"), stages.summary());
        assertTrue(stages.summary().contains("s/2"), stages.summary());
    }

    @Test
    void countsNothingWhenOff() {
        WriteStages stages = new WriteStages(false);
        stages.add(Stage.READ, stages.start());
        assertEquals(0, stages.count(Stage.READ));
        assertEquals(0, stages.nanos(Stage.READ));
    }
}
