package coffer.virt.libvirt;

import coffer.testing.Await;
import coffer.virt.process.DeathGuardProcessMain;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibvirtDomainIT extends WithTestDomains {
    @Test
    void connectsToTheSystemInstanceAndFindsARunningDomainByNameAndUuid() throws Exception {
        assertEquals(Libvirt.DEFAULT_URI, libvirt.uri());
        assertTrue(libvirt.alive());
        String name = domains.start("list", 8, "qcow2");

        DomainInfo listed = libvirt.domains().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
        assertEquals(DomainState.RUNNING, listed.state());
        assertTrue(listed.persistent());
        assertTrue(listed.active());
        assertTrue(listed.uuid().matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), listed.uuid());
        assertEquals(listed, libvirt.domain(name).orElseThrow());
        assertEquals(listed, libvirt.domain(listed.uuid()).orElseThrow());
        assertEquals(listed, libvirt.domain(listed.uuid().toUpperCase()).orElseThrow());
        assertEquals(DomainState.RUNNING, libvirt.state(name));
    }

    @Test
    void aDomainGoesThroughDefineStartSuspendResumeDestroyUndefine() throws Exception {
        String name = domains.define("life", 8, "qcow2");
        DomainInfo defined = libvirt.domain(name).orElseThrow();
        assertEquals(DomainState.SHUTOFF, defined.state());
        assertFalse(defined.active());
        assertTrue(defined.persistent());

        libvirt.start(name);
        assertEquals(DomainState.RUNNING, libvirt.state(name));
        libvirt.suspend(name);
        assertEquals(DomainState.PAUSED, libvirt.state(name));
        libvirt.resume(name);
        assertEquals(DomainState.RUNNING, libvirt.state(name));
        libvirt.shutdown(name); // no OS: the request is accepted and ignored
        libvirt.destroy(name);
        assertEquals(DomainState.SHUTOFF, libvirt.state(name));
        libvirt.undefine(name);
        assertTrue(libvirt.domain(name).isEmpty());
        assertTrue(libvirt.domains().stream().noneMatch(d -> d.name().equals(name)));
    }

    @Test
    void undefiningARunningDomainLeavesItRunningAsTransient() throws Exception {
        String name = domains.start("transient", 8, "qcow2");
        libvirt.undefine(name);
        DomainInfo info = libvirt.domain(name).orElseThrow();
        assertEquals(DomainState.RUNNING, info.state());
        assertFalse(info.persistent());
        libvirt.destroy(name);
        assertTrue(libvirt.domain(name).isEmpty());
    }

    @Test
    void liveXmlHasDeviceAliasesAndInactiveXmlDoesNot() throws Exception {
        String name = domains.start("xml", 8, "qcow2", "raw");
        String live = libvirt.domainXml(name, false);
        String inactive = libvirt.domainXml(name, true);
        assertTrue(live.contains("<name>" + name + "</name>"), live);
        assertTrue(live.contains("<alias name='virtio-disk0'/>"), live);
        assertTrue(live.contains("<alias name='virtio-disk1'/>"), live);
        assertTrue(live.contains(domains.disk(name, "vdb", "raw").toString()), live);
        assertTrue(inactive.contains("<name>" + name + "</name>"), inactive);
        assertFalse(inactive.contains("<alias"), inactive);
        assertTrue(inactive.contains("coffer test domain"), inactive);
    }

    @Test
    void aMissingDomainIsEmptyOrAnErrorWithLibvirtsCodeAndMessage() throws Exception {
        String missing = TestDomains.uniqueName("missing");
        assertTrue(libvirt.domain(missing).isEmpty());
        assertTrue(libvirt.domain("00000000-0000-4000-8000-000000000000").isEmpty());

        LibvirtException e = assertThrows(LibvirtException.class, () -> libvirt.state(missing));
        assertEquals(LibvirtException.NO_DOMAIN, e.code());
        assertEquals(42, e.code());
        assertNotEquals(0, e.errorDomain());
        assertTrue(e.libvirtMessage().contains(missing), e.libvirtMessage());
        assertEquals("virDomainLookupByName('" + missing + "')", e.call());
        assertTrue(e.getMessage().contains("libvirt error 42"), e.getMessage());
        assertThrows(LibvirtException.class, () -> libvirt.start(missing));
        assertThrows(LibvirtException.class, () -> libvirt.domainXml(missing, false));
    }

    @Test
    void errorsOfTheCallItselfNameTheCallAndDomain() throws Exception {
        String name = domains.start("twice", 8, "qcow2");
        LibvirtException e = assertThrows(LibvirtException.class, () -> libvirt.start(name));
        assertEquals(LibvirtException.OPERATION_INVALID, e.code());
        assertEquals("virDomainCreate(domain '" + name + "')", e.call());
        assertTrue(e.libvirtMessage().contains("already"), e.libvirtMessage());

        LibvirtException badXml = assertThrows(LibvirtException.class, () -> libvirt.define("<domain"));
        assertEquals(LibvirtException.XML_DETAIL, badXml.code());
        assertEquals("virDomainDefineXML", badXml.call());
    }

    @Test
    void anUnknownUriFailsToConnectWithLibvirtsError() {
        LibvirtException e = assertThrows(LibvirtException.class, () -> Libvirt.connect("bogus:///nowhere"));
        assertEquals(LibvirtException.NO_CONNECT, e.code());
        assertEquals("virConnectOpen('bogus:///nowhere')", e.call());
        assertTrue(e.libvirtMessage().contains("bogus:///nowhere"), e.libvirtMessage());
    }

    @Test
    void monitorCommandsRunInQmpAndHmp() throws Exception {
        String name = domains.start("monitor", 8, "qcow2");
        String qmp = libvirt.monitorCommand(name, "{\"execute\":\"query-status\"}", false);
        assertTrue(qmp.contains("\"status\":\"running\""), qmp);
        String hmp = libvirt.monitorCommand(name, "info status", true);
        assertTrue(hmp.contains("running"), hmp);
    }

    @Test
    void anAgentCommandToADomainWithoutAnAgentChannelIsRefused() throws Exception {
        String name = domains.start("agent", 8, "qcow2");
        LibvirtException e = assertThrows(LibvirtException.class,
                () -> libvirt.agentCommand(name, "{\"execute\":\"guest-ping\"}", 2));
        assertEquals(LibvirtException.ARGUMENT_UNSUPPORTED, e.code());
        assertEquals("virDomainQemuAgentCommand(domain '" + name + "')", e.call());
        assertTrue(e.libvirtMessage().contains("agent is not configured"), e.libvirtMessage());
    }

    @Test
    void oneConnectionServesManyThreadsAtOnce() throws Exception {
        String name = domains.start("threads", 8, "qcow2");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<DomainState>> states = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                states.add(pool.submit(() -> libvirt.state(name)));
            }
            List<Future<Integer>> misses = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                misses.add(pool.submit(() -> assertThrows(LibvirtException.class,
                        () -> libvirt.state(name + "-missing")).code()));
            }
            for (Future<DomainState> state : states) {
                assertEquals(DomainState.RUNNING, state.get());
            }
            for (Future<Integer> miss : misses) {
                assertEquals(LibvirtException.NO_DOMAIN, miss.get());
            }
        }
    }

    @Test
    void aClosedConnectionRefusesCalls() throws Exception {
        Libvirt other = Libvirt.connect("qemu:///system");
        other.close();
        other.close();
        assertFalse(other.alive());
        assertThrows(IllegalStateException.class, other::domains);
    }

    // DeathGuard: a process killed with SIGKILL while it had a domain paused resumes it; disarmed, it does not

    @Test
    void aDomainPausedByAProcessKilledWithSigkillIsResumedByItsGuard() throws Exception {
        String name = domains.start("guard", 8, "qcow2");
        libvirt.suspend(name);
        Process guarded = DeathGuardProcessMain.start("wait", libvirt.uri(), "resume", name);
        guarded.destroyForcibly().waitFor();
        Await.until(() -> libvirt.state(name) == DomainState.RUNNING, Duration.ofMinutes(1),
                () -> "the domain resumed after its process was killed");
    }

    @Test
    void aDisarmedGuardLeavesTheDomainAsItIs() throws Exception {
        String name = domains.start("guard", 8, "qcow2");
        libvirt.suspend(name);
        DeathGuardProcessMain.Guarded guarded = DeathGuardProcessMain.startGuarded("disarm", libvirt.uri(), "resume", name);
        // the helper has ended: whatever it was going to do is done (a helper that missed the disarm would
        // have run virsh resume before ending, or would still be waiting)
        assertEquals("helper exited 0", guarded.output().readLine(), "the disarmed helper ended");
        assertEquals(0, guarded.process().waitFor(), "the guarded process exits normally");
        assertEquals(DomainState.PAUSED, libvirt.state(name), "still paused: the guard was disarmed");
        libvirt.resume(name);
    }
}
