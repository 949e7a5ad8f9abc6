package coffer.engine.instance;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TrackingStateReadTest {
    @Test
    void onlyTheNewestCheckpointsDisksComeWithTheState() {
        var state = new TrackingStateRead.State(List.of("coffer-a", "coffer-b"), Map.of(), List.of("vda"));
        assertEquals(List.of("vda"), state.bitmapDisksOf("coffer-b"));
        assertNull(state.bitmapDisksOf("coffer-a"), "an older checkpoint's disks: the plan asks libvirt");
        assertNull(state.bitmapDisksOf("coffer-gone"));
    }

    @Test
    void aNewestCheckpointWhoseXmlWasNotReadLeavesTheQuestionToThePlan() {
        var state = new TrackingStateRead.State(List.of("coffer-a"), Map.of(), null);
        assertNull(state.bitmapDisksOf("coffer-a"));
    }
}
