package coffer.virt.agent;

import coffer.testing.Await;
import coffer.testing.TestGuest;
import coffer.virt.libvirt.Libvirt;
import coffer.virt.process.DeathGuardProcessMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent client against the real test guest (scripts/make-test-guest), one guest for the class. */
class GuestAgentIT {
    private static final Duration T = Duration.ofSeconds(10);
    @TempDir static Path dir;
    static TestGuest guest;
    static Duration bootToAgent;
    static Libvirt libvirt;
    static GuestAgent agent;

    @BeforeAll
    static void startGuest() throws Exception {
        TestGuest.requireGuestSupport();
        guest = TestGuest.define(dir, true);
        long start = System.nanoTime();
        guest.startDomain();
        guest.awaitAgent(Duration.ofSeconds(180));
        bootToAgent = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("test guest " + guest.name() + ": start to guest-ping answer " + bootToAgent.toMillis() + " ms");
        libvirt = Libvirt.connect("qemu:///system");
        agent = new GuestAgent(libvirt, guest.name());
    }

    @AfterAll
    static void stopGuest() {
        if (guest != null) {
            guest.close();
        }
        if (libvirt != null) {
            libvirt.close();
        }
    }

    @Test
    void guestAnswersPingAfterStart() throws Exception {
        // how long boot to agent takes is a figure for benchmarks (printed above), not a test verdict: on 2
        // shared cores under TCG it ranged from 5 s to over 30 s
        agent.ping(T);
        assertEquals("thawed", guest.freezeStatus());
    }

    @Test
    void execReportsOutputAndExitCodeOnceThenForgetsThePid() throws Exception {
        long pid = agent.exec("/bin/sh", List.of("-c", "echo out; echo err >&2; exit 3"), T);
        ExecStatus status;
        do {
            status = agent.execStatus(pid, T);
        } while (!status.exited());
        assertEquals(3, status.exitCode());
        assertEquals("out\n", status.out());
        assertEquals("err\n", status.err());
        long forgotten = pid;
        GuestAgentException again = assertThrows(GuestAgentException.class, () -> agent.execStatus(forgotten, T));
        assertEquals(GuestAgentException.Kind.COMMAND_FAILED, again.kind());
    }

    @Test
    void runTimesOutOnAHangingProcessNamingItsPid() {
        GuestAgentException e = assertThrows(GuestAgentException.class,
                () -> agent.run("/bin/sleep", List.of("30"), Duration.ofMillis(500)));
        assertEquals(GuestAgentException.Kind.UNRESPONSIVE, e.kind());
        assertTrue(e.getMessage().contains("left running"), e.getMessage());
    }

    @Test
    void fileWrittenThroughTheAgentReadsBackAndMatchesTheGuestsChecksum() throws Exception {
        byte[] content = new byte[200_000];
        new java.util.SplittableRandom(7).nextBytes(content);
        long handle = agent.fileOpen("/data/agent-it.bin", "w", T);
        for (int off = 0; off < content.length; off += 60_000) {
            agent.fileWrite(handle, java.util.Arrays.copyOfRange(content, off, Math.min(content.length, off + 60_000)), T);
        }
        agent.fileClose(handle, T);
        handle = agent.fileOpen("/data/agent-it.bin", "r", T);
        var out = new java.io.ByteArrayOutputStream();
        GuestAgent.FileRead read;
        do {
            read = agent.fileRead(handle, 65536, T);
            out.write(read.data());
        } while (!read.eof());
        agent.fileClose(handle, T);
        assertArrayEquals(content, out.toByteArray());
        assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content)),
                guest.sha256("/data/agent-it.bin"));
    }

    @Test
    void frozenAgentRefusesExecWithItsMessageAndThawRestores() throws Exception {
        try {
            assertTrue(agent.freeze(T) >= 2, "root and /data frozen");
            assertEquals(FreezeStatus.FROZEN, agent.freezeStatus(T));
            GuestAgentException refused = assertThrows(GuestAgentException.class,
                    () -> agent.exec("/bin/true", List.of(), T));
            assertEquals(GuestAgentException.Kind.COMMAND_FAILED, refused.kind());
            assertTrue(refused.agentMessage().contains("frozen"), refused.agentMessage());
        } finally {
            agent.thaw(T);
        }
        assertEquals(FreezeStatus.THAWED, agent.freezeStatus(T));
        assertEquals(0, agent.thaw(T), "thaw of a thawed guest is harmless");
        assertTrue(agent.run("/bin/true", List.of(), T).succeeded());
    }

    @Test
    void aGuestFrozenByAProcessKilledWithSigkillIsThawedByItsGuard() throws Exception {
        try {
            assertTrue(agent.freeze(T) >= 2, "root and /data frozen");
            Process guarded = DeathGuardProcessMain.start("wait", libvirt.uri(), "thaw", guest.name());
            assertEquals(FreezeStatus.FROZEN, agent.freezeStatus(T), "a live guard does nothing");
            guarded.destroyForcibly().waitFor();
            Await.until(() -> agent.freezeStatus(T) == FreezeStatus.THAWED, Duration.ofMinutes(1),
                    "the guest thawed after its process was killed");
        } finally {
            agent.thaw(T);
        }
    }

    @Test
    void domainWithoutAgentChannelIsNoAgent() throws Exception {
        try (TestGuest bare = TestGuest.define(dir, false)) {
            bare.startDomain();
            GuestAgentException e = assertThrows(GuestAgentException.class,
                    () -> new GuestAgent(libvirt, bare.name()).ping(T));
            assertEquals(GuestAgentException.Kind.NO_AGENT, e.kind(), e.getMessage());
        }
    }
}
