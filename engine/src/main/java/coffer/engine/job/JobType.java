package coffer.engine.job;

/**
 * What a job does; the target names an instance (backup, clone), a point (restores), a consistency group
 * (group_backup, group_clone) or a group point (group_restore). A group job takes one slot of its host's
 * job limit, whatever its number of members (it holds one libvirt connection and reads the members one
 * after the other).
 */
public enum JobType {
    backup, restore_disk, restore_instance, clone, group_backup, group_restore, group_clone
}
