package coffer.engine.instance;

import coffer.vault.format.FixedIndex;
import coffer.virt.domain.DiskSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Incremental only when every fact holds; otherwise full with the reason. */
class ChangeTrackingTest {
    private static final long SIZE = 64L << 20;
    private static final DiskSpec QCOW2 = new DiskSpec("vda", "disk", "file", "qcow2", "/img/vda.qcow2", "virtio", false, false, false);
    private static final DiskSpec RAW = new DiskSpec("vdb", "disk", "file", "raw", "/img/vdb.raw", "virtio", false, false, false);
    private static final FixedIndex INDEX = new FixedIndex(SIZE, 512 * 1024);
    private static final String CP = "coffer-20261121-000000-00000001";

    record Case(String name, ChangeTracking.Facts facts, DiskPlan.Mode mode, String reasonContains) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ChangeTracking.Facts facts(DiskSpec disk, String previous, FixedIndex index, String problem, String checkpoint,
                                      Set<String> libvirt, Set<String> cpDisks, Set<String> bitmaps, long size) {
        return new ChangeTracking.Facts(disk, previous, index, problem, checkpoint, libvirt, cpDisks, bitmaps, size);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("all facts hold", facts(QCOW2, "p1", INDEX, null, CP, Set.of(CP), Set.of("vda"), Set.of(CP), SIZE),
                        DiskPlan.Mode.INCREMENTAL, null),
                new Case("first point of the instance", facts(QCOW2, null, null, null, null, Set.of(), Set.of(), Set.of(), SIZE),
                        DiskPlan.Mode.FULL, null),
                new Case("disk hot-added since the previous point", facts(QCOW2, "p1", null, null, CP, Set.of(CP), Set.of("vdb"), Set.of(), SIZE),
                        DiskPlan.Mode.FULL, "first backup of this disk"),
                new Case("previous index damaged", facts(QCOW2, "p1", null, "index checksum mismatch", CP, Set.of(CP), Set.of("vda"), Set.of(CP), SIZE),
                        DiskPlan.Mode.FULL, "index checksum mismatch"),
                new Case("raw disk", facts(RAW, "p1", INDEX, null, CP, Set.of(CP), Set.of("vda"), Set.of(), SIZE),
                        DiskPlan.Mode.FULL, "raw disk"),
                new Case("disk grew", facts(QCOW2, "p1", INDEX, null, CP, Set.of(CP), Set.of("vda"), Set.of(CP), 2 * SIZE),
                        DiskPlan.Mode.FULL, "size changed"),
                new Case("previous point made no checkpoint", facts(QCOW2, "p1", INDEX, null, null, Set.of(), Set.of(), Set.of(), SIZE),
                        DiskPlan.Mode.FULL, "created no checkpoint"),
                new Case("checkpoint deleted in libvirt", facts(QCOW2, "p1", INDEX, null, CP, Set.of("other"), Set.of(), Set.of(CP), SIZE),
                        DiskPlan.Mode.FULL, "no longer exists in libvirt"),
                new Case("checkpoint without a bitmap for the disk", facts(QCOW2, "p1", INDEX, null, CP, Set.of(CP), Set.of("vdb"), Set.of(CP), SIZE),
                        DiskPlan.Mode.FULL, "keeps no bitmap for this disk"),
                new Case("bitmap lost in QEMU (restart)", facts(QCOW2, "p1", INDEX, null, CP, Set.of(CP), Set.of("vda"), Set.of(), SIZE),
                        DiskPlan.Mode.FULL, "no consistent bitmap"),
                new Case("only an unrelated bitmap", facts(QCOW2, "p1", INDEX, null, CP, Set.of(CP), Set.of("vda"), Set.of("coffer-old"), SIZE),
                        DiskPlan.Mode.FULL, "no consistent bitmap"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void planFollowsTheFacts(Case c) {
        DiskPlan plan = ChangeTracking.plan(c.facts());
        assertEquals(c.mode(), plan.mode(), c.name());
        if (c.reasonContains() == null) {
            assertNull(plan.reason(), c.name());
        } else {
            assertTrue(plan.reason().contains(c.reasonContains()), c.name() + ": " + plan.reason());
        }
        if (plan.incremental()) {
            assertEquals(CP, plan.checkpoint());
            assertEquals(INDEX, plan.base());
        }
        if (c.facts().previousIndex() != null) {
            assertEquals(c.facts().previousIndex(), plan.base(), "a full read still deduplicates against the previous index");
        }
    }
}
