package coffer.engine.drill;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A drill copy's mark (how leftovers are recognized) and the drill settings' checks, without libvirt. */
class DrillCopyTest {
    @Test
    void aCopysDescriptionNamesItsPointOwnerAndDirectoryAndReadsBack() {
        DrillCopy copy = DrillCopy.of("0a1b2c3d", Path.of("/var/lib/coffer/drills"), "20260301-000000-deadbeef");
        assertEquals("coffer-drill-0a1b2c3d", copy.name());
        assertEquals(Path.of("/var/lib/coffer/drills/0a1b2c3d"), copy.directory());
        assertEquals(Optional.of(copy), DrillCopy.parse(copy.name(), copy.description()));
        assertFalse(copy.abandoned(), "this process runs");
        assertEquals(Optional.empty(), DrillCopy.parse("web-1", copy.description()), "not a drill's name");
        assertEquals(Optional.empty(), DrillCopy.parse(copy.name(), "the shop's web server"), "not a drill's mark");
    }

    @Test
    void aCopyOfAProcessOfAnotherHostIsNeverAbandonedFromHere() {
        DrillCopy elsewhere = new DrillCopy("coffer-drill-x", Path.of("/d/x"), "p", 1, "another-host-" + DrillCopy.thisHost());
        assertFalse(elsewhere.abandoned());
        DrillCopy dead = new DrillCopy("coffer-drill-y", Path.of("/d/y"), "p", Long.MAX_VALUE, DrillCopy.thisHost());
        assertTrue(dead.abandoned());
    }

    @Test
    void badSettingsAreRefusedNamingEveryProblem() {
        CofferException e = assertThrows(CofferException.class, () -> new DrillSettings(Path.of("drills"), 0,
                Duration.ofSeconds(-1), Duration.ZERO, null, -1));
        assertEquals(ErrorCode.InvalidArgument, e.code());
        for (String part : new String[]{"directory: drills must be an absolute path", "perHost: 0", "budgetWait: PT-1S",
                "bootTimeout: PT0S", "checkTimeout: null", "outputLimit: -1"}) {
            assertTrue(e.getMessage().contains(part), part + " in " + e.getMessage());
        }
        assertEquals(1, DrillSettings.defaults(Path.of("/d")).perHost());
    }
}
