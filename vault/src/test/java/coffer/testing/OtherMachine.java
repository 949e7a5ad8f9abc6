package coffer.testing;

import coffer.vault.BootId;
import coffer.vault.HostName;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A test double for what cannot run here: a second machine given this machine's host name (made from one cloned
 * image). It is this host name with another boot id ({@link BootId}), which is all that a record (a lock's body, an
 * unfinished marker, a writer directory's name, a job's worker id) says of the machine that wrote it; a test writes
 * such a record as that machine's process would and checks how this machine judges it.
 *
 * @param host this machine's host name
 * @param boot a boot id (32 hex digits) that is not this machine's
 */
public record OtherMachine(String host, String boot) {
    /** Another machine of this host name. */
    public static OtherMachine ofThisHostName() {
        String boot;
        do {
            byte[] random = new byte[16];
            ThreadLocalRandom.current().nextBytes(random);
            boot = HexFormat.of().formatHex(random);
        } while (boot.equals(BootId.get()));
        return new OtherMachine(HostName.get(), boot);
    }

    /** This machine's boot id, for a record of this machine; fails the test where the kernel does not say. */
    public static String thisBoot() {
        String boot = BootId.get();
        if (boot == null) {
            throw new AssertionError("no boot id here (/proc/sys/kernel/random/boot_id): the tests need Linux");
        }
        return boot;
    }
}
