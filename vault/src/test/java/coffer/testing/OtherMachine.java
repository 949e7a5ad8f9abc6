package coffer.testing;

import coffer.vault.BootId;
import coffer.vault.HostName;
import coffer.vault.MachineId;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A test double for what cannot run here: a second machine given this machine's host name (made from one cloned
 * image). It is this host name with another boot id ({@link BootId}) and, since session 23, a machine id
 * ({@link MachineId}): another one, or this machine's own for a clone whose {@code /etc/machine-id} was copied with
 * the image ({@link #cloneOfThisMachine}). That is all that a record (a lock's body, an unfinished marker, a writer
 * directory's name, a job's worker id, a drill copy's mark) says of the machine that wrote it; a test writes such a
 * record as that machine's process would and checks how this machine judges it.
 *
 * @param host    this machine's host name
 * @param boot    a boot id (32 hex digits) that is not this machine's
 * @param machine a machine id (32 hex digits)
 */
public record OtherMachine(String host, String boot, String machine) {
    /** Another machine of this host name (and another machine id). */
    public static OtherMachine ofThisHostName() {
        String machine;
        do {
            machine = randomId();
        } while (machine.equals(MachineId.get()));
        return new OtherMachine(HostName.get(), otherBoot(), machine);
    }

    /** Another machine of this host name and this machine's id (a clone made from this machine's image). */
    public static OtherMachine cloneOfThisMachine() {
        return new OtherMachine(HostName.get(), otherBoot(), thisMachine());
    }

    /** This machine's boot id, for a record of this machine; fails the test where the kernel does not say. */
    public static String thisBoot() {
        String boot = BootId.get();
        if (boot == null) {
            throw new AssertionError("no boot id here (/proc/sys/kernel/random/boot_id): the tests need Linux");
        }
        return boot;
    }

    /** This machine's id, for a record of this machine; fails the test where there is none. */
    public static String thisMachine() {
        String machine = MachineId.get();
        if (machine == null) {
            throw new AssertionError("no machine id here (/etc/machine-id): the tests need one");
        }
        return machine;
    }

    /** A boot id that is not this machine's. */
    static String otherBoot() {
        String boot;
        do {
            boot = randomId();
        } while (boot.equals(BootId.get()));
        return boot;
    }

    private static String randomId() {
        byte[] random = new byte[16];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
