package coffer.virt.nbd;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtocolEncodingTest {

    private static String hex(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void requestHeaderIsTwentyEightBigEndianBytes() {
        ByteBuffer request = NbdConnection.request(0, Protocol.CMD_READ, 7, 4096, 512);
        assertEquals(28, request.remaining());
        assertEquals("25609513" + "0000" + "0000" + "0000000000000007" + "0000000000001000" + "00000200",
                hex(request));
    }

    @Test
    void requestLengthUsesAllThirtyTwoBits() {
        ByteBuffer request = NbdConnection.request(0, Protocol.CMD_BLOCK_STATUS, 1, 0, 0xFFFF_FFFFL);
        assertTrue(hex(request).endsWith("ffffffff"));
        assertTrue(hex(request).startsWith("2560951300000007"));
    }

    @Test
    void optionHeaderStartsWithIHaveOpt() {
        assertEquals("49484156454f5054" + "00000007" + "00000009",
                hex(Handshake.Messages.optionHeader(Protocol.OPT_GO, 9)));
    }

    @Test
    void goNamesTheExportAndAsksForBlockSizeInformation() {
        assertEquals("00000003" + hex(ByteBuffer.wrap("vda".getBytes(StandardCharsets.UTF_8))) + "0001" + "0003",
                hex(Handshake.Messages.go("vda")));
    }

    @Test
    void setMetaContextListsEveryQuery() {
        ByteBuffer message = Handshake.Messages.setMetaContext("", List.of("base:allocation", "qemu:dirty-bitmap:b"));
        assertEquals(0, message.getInt());
        assertEquals(2, message.getInt());
        for (String expected : List.of("base:allocation", "qemu:dirty-bitmap:b")) {
            byte[] name = new byte[message.getInt()];
            message.get(name);
            assertEquals(expected, new String(name, StandardCharsets.UTF_8));
        }
        assertEquals(0, message.remaining());
    }

    @Test
    void errorsAreNamedAfterTheirErrno() {
        NbdException e = new NbdException("nbd+unix:///?socket=/s", Protocol.CMD_READ, 4096, 512, 22, "out of range");
        assertEquals("EINVAL", e.errorName());
        assertEquals("NBD_CMD_READ", e.command());
        assertEquals("NBD_CMD_READ offset=4096 length=512 on nbd+unix:///?socket=/s failed: EINVAL (22): out of range",
                e.getMessage());
        assertEquals("NBD_REP_ERR_UNKNOWN", Protocol.replyName(Protocol.REP_ERR_UNKNOWN));
    }

    @Test
    void blockSizesMustBeConsistent() {
        assertThrows(IllegalArgumentException.class, () -> new BlockSize(3, 4096, 65536));
        assertThrows(IllegalArgumentException.class, () -> new BlockSize(512, 4096, 1000));
        BlockSize sizes = new BlockSize(512, 4096, 1 << 20);
        assertEquals(1024, sizes.alignDown(1500));
        assertEquals(1536, sizes.alignUp(1025));
        assertEquals(1024, sizes.alignUp(1024));
    }

    @Test
    void exportsDescribeThemselvesAsNbdUris() {
        assertEquals("nbd+unix:///vda?socket=/run/x.sock", NbdExport.unix(java.nio.file.Path.of("/run/x.sock"), "vda")
                .toString());
        assertEquals("nbd://127.0.0.1:10809/", NbdExport.tcp("127.0.0.1", 10809, "").toString());
    }
}
