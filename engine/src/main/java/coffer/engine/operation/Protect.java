package coffer.engine.operation;

import coffer.engine.error.Problems;

import java.util.List;

/**
 * Protect instances: "protect all disks" ({@code allDisks}, the default: every disk, including disks attached
 * later) or a chosen disk set; into the server's vault {@code vault} (default: its default vault). At most the
 * server's per-request limit of instances (99 by default), each once; nothing is protected unless all exist.
 */
public record Protect(List<String> instances, Boolean allDisks, List<String> disks, String vault)
        implements Operation<ProtectionList> {
    public Protect {
        Problems problems = new Problems();
        instances = Rules.references(problems, "instances", instances, "name at least one instance (UUID or name)");
        boolean all = allDisks == null || allDisks;
        if (all && disks != null && !disks.isEmpty()) {
            problems.add("disks", "give a disk list only with allDisks=false (allDisks protects every disk, including later ones)");
        }
        if (!all && (disks == null || disks.isEmpty())) {
            problems.add("disks", "allDisks=false needs the list of disk targets to protect (e.g. [\"vda\"])");
        }
        disks = Rules.targets(problems, "disks", disks);
        problems.throwIfAny("protect request");
    }

    public boolean everyDisk() {
        return allDisks == null || allDisks;
    }
}
