package coffer.engine.job;

/** What a job does; the target names an instance (backup, clone) or a point (restores). */
public enum JobType {
    backup, restore_disk, restore_instance, clone
}
