package coffer.engine.catalog;

import java.time.Instant;

/** A libvirt host Coffer manages; {@code id} is a short stable name ({@code local} for the first one). */
public record Host(String id, String uri, Instant addedAt) {
}
