package coffer.vault.backend;

import coffer.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MemoryBackendTest extends BackendContract {
    private MutableClock clock;

    @Override
    protected Backend newBackend() {
        clock = new MutableClock(Instant.now());
        return new MemoryBackend(clock);
    }

    @Override
    protected void putModifiedAt(String name, byte[] bytes, Instant modified) {
        Instant now = clock.instant();
        clock.set(modified);
        try {
            backend.put(name, java.nio.ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            throw new AssertionError(e);
        } finally {
            clock.set(now);
        }
    }

    @Test
    void objectsTakeTheirModificationTimeFromTheClock() throws IOException {
        clock.set(Instant.parse("2026-05-01T10:00:00Z"));
        backend.put("a", bytes("x"));
        clock.advance(Duration.ofHours(1));
        backend.put("b", bytes("y"));
        assertEquals(Instant.parse("2026-05-01T10:00:00Z"), backend.stat("a").orElseThrow().modified());
        assertEquals(Instant.parse("2026-05-01T11:00:00Z"), backend.stat("b").orElseThrow().modified());
    }

    @Test
    void damageReplacesTheBytesAndKeepsTheModificationTime() throws IOException {
        backend.put("chunks/00/x", bytes("good"));
        Instant modified = backend.stat("chunks/00/x").orElseThrow().modified();
        ((MemoryBackend) backend).damage("chunks/00/x", "bad!".getBytes());
        assertEquals("bad!", string(backend.get("chunks/00/x")));
        assertEquals(modified, backend.stat("chunks/00/x").orElseThrow().modified());
    }

    @Test
    void thereAreNoTemporariesToRemove() throws IOException {
        backend.put("a", bytes("x"));
        assertEquals(0, backend.removeAbandonedUploads(Instant.MAX));
    }
}
