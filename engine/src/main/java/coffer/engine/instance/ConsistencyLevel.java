package coffer.engine.instance;

/**
 * How consistent a point's disks are with each other and with what ran in the guest
 * (docs/design/consistency.md), recorded on every instance point.
 */
public enum ConsistencyLevel {
    /** Scripts quiesced the applications (Windows: VSS writers) and the file systems were frozen at the instant. */
    APPLICATION,
    /** File systems were frozen at the instant (flushed, no write in flight); applications were not quiesced. */
    FILESYSTEM,
    /** All disks at one instant, as after a power cut: file systems replay their journals on boot. */
    CRASH
}
