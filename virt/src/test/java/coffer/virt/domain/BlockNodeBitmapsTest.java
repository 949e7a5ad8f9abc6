package coffer.virt.domain;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** QEMU's {@code query-named-block-nodes} reply, plain (read without Jackson's parser) or not, reads alike. */
class BlockNodeBitmapsTest {
    /** A reply as QEMU 7.2 sends it, shortened: the qcow2 node and its file node per disk. */
    private static final String REPLY = """
            {"return": [{"iops_rd": 0, "detect_zeroes": "off", "image": {"virtual-size": 4294967296,
              "filename": "/var/tmp/vda.qcow2", "cluster-size": 65536, "format": "qcow2", "actual-size": 4295229440,
              "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "compression-type": "zlib",
              "lazy-refcounts": false, "bitmaps": [{"flags": ["auto"], "name": "coffer-1", "granularity": 65536}],
              "refcount-bits": 16, "corrupt": false, "extended-l2": false}}, "dirty-flag": false},
              "iops_wr": 0, "ro": false, "node-name": "libvirt-2-format", "backing_file_depth": 0, "drv": "qcow2",
              "iops": 0, "bps_wr": 0, "write_threshold": 0, "dirty-bitmaps": [{"name": "coffer-1", "recording": true,
              "persistent": true, "busy": false, "granularity": 65536, "count": 1048576},
              {"name": "broken", "recording": false, "persistent": true, "busy": false, "granularity": 65536,
              "count": 0, "inconsistent": true}], "encrypted": false, "bps": 0, "bps_rd": 0, "cache": {"no-flush": false,
              "direct": false, "writeback": true}, "file": "/var/tmp/vda.qcow2"},
              {"node-name": "libvirt-2-storage", "drv": "file", "file": "/var/tmp/vda.qcow2", "dirty-bitmaps": []},
              {"node-name": "libvirt-1-format", "drv": "qcow2", "file": "/var/tmp/vdb\\u00e9.qcow2",
              "dirty-bitmaps": [{"name": "coffer-1"}, {"name": 7}]}], "id": "libvirt-42"}
            """;

    @Test
    void consistentBitmapsPerImageFile() throws Exception {
        Map<String, Set<String>> bitmaps = BlockNodeBitmaps.parse(REPLY);
        assertEquals(Map.of("/var/tmp/vda.qcow2", Set.of("coffer-1"), "/var/tmp/vdbé.qcow2", Set.of("coffer-1")), bitmaps);
    }

    @Test
    void aReplyOutsideThePlainFormReadsAlike() throws Exception {
        // a fraction, and a name twice: Jackson reads these (the plain reader leaves them to it)
        String withFraction = REPLY.replace("\"iops\": 0", "\"iops\": 0.5").replace("\"bps\": 0", "\"bps\": 0, \"bps\": 1");
        assertEquals(BlockNodeBitmaps.parse(REPLY), BlockNodeBitmaps.parse(withFraction));
    }

    @Test
    void anUnreadableReplyIsRefusedNamingIt() {
        DomainDefinitionException e = assertThrows(DomainDefinitionException.class, () -> BlockNodeBitmaps.parse("{\"return\": ["));
        assertTrue(e.getMessage().startsWith("unreadable QMP reply: "), e.getMessage());
    }
}
