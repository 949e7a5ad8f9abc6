package coffer.server.api;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import coffer.engine.instance.AppConsistencyJson;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** The request bodies of the API, each checked by its {@code validate()} with a message naming the field. */
final class Requests {
    /** Disk targets look like vda, sdb, hdc, xvda. */
    private static final String TARGET = "[a-z]{1,4}[a-z0-9]{0,8}";
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]{0,63}";

    private Requests() {
    }

    record Protect(List<String> instances, Boolean allDisks, List<String> disks, String vault) {
        void validate(int limit) {
            if (instances == null || instances.isEmpty()) {
                throw invalid("instances: name at least one instance (UUID or name)");
            }
            if (instances.size() > limit) {
                throw invalid("instances: at most " + limit + " instances per request, got " + instances.size());
            }
            if (instances.stream().distinct().count() != instances.size()) {
                throw invalid("instances: an instance is named twice");
            }
            boolean all = allDisks == null || allDisks;
            if (all && disks != null && !disks.isEmpty()) {
                throw invalid("disks: give a disk list only with allDisks=false (allDisks protects every disk, including later ones)");
            }
            if (!all && (disks == null || disks.isEmpty())) {
                throw invalid("disks: allDisks=false needs the list of disk targets to protect (e.g. [\"vda\"])");
            }
            targets(disks);
        }
    }

    record Backup(String vault, List<String> disks, Integer retentionDays, JsonNode appConsistent, Boolean replicate) {
        void validate() {
            targets(disks);
            if (retentionDays != null && (retentionDays < 1 || retentionDays > 65_536)) {
                throw invalid("retentionDays: must be between 1 and 65536, got " + retentionDays);
            }
            consistency();
        }

        /** The application-consistency settings ({@link AppConsistencyJson}), every problem named. */
        AppConsistency consistency() {
            return Requests.consistency(appConsistent, "appConsistent");
        }
    }

    static AppConsistency consistency(JsonNode node, String field) {
        List<String> problems = new ArrayList<>();
        AppConsistency consistency = AppConsistencyJson.read(node, field, (path, message) -> problems.add(path + ": " + message));
        if (!problems.isEmpty()) {
            throw invalid(String.join("; ", problems));
        }
        return consistency;
    }

    record RestoreDisk(String disk, String to, String format, Boolean inPlace) {
        void validate() {
            if (disk == null || !disk.matches(TARGET)) {
                throw invalid("disk: the target of a disk of the point (e.g. vda), got " + quote(disk));
            }
            boolean in = inPlace != null && inPlace;
            if (in == (to != null)) {
                throw invalid("give exactly one of 'to' (a new file) and 'inPlace': true");
            }
            if (to != null && !to.startsWith("/")) {
                throw invalid("to: must be an absolute path on the server's host, got " + quote(to));
            }
            if (format != null && !format.equals("qcow2") && !format.equals("raw")) {
                throw invalid("format: qcow2 or raw, got " + quote(format));
            }
        }
    }

    record RestoreInstance(String name, Boolean start, Boolean inPlace) {
        void validate() {
            boolean in = inPlace != null && inPlace;
            if (in == (name != null)) {
                throw invalid("give exactly one of 'name' (a new instance) and 'inPlace': true");
            }
            if (name != null && !name.matches(NAME)) {
                throw invalid("name: 1 to 64 letters, digits, '.', '_', '+' or '-', got " + quote(name));
            }
        }
    }

    record Clone(String name, String vault) {
        void validate() {
            if (name == null || !name.matches(NAME)) {
                throw invalid("name: the new instance's name, 1 to 64 letters, digits, '.', '_', '+' or '-', got " + quote(name));
            }
        }
    }

    record CreateToken(String name, String role) {
        void validate() {
            if (name == null || !name.matches(NAME)) {
                throw invalid("name: 1 to 64 letters, digits, '.', '_', '+' or '-', got " + quote(name));
            }
            if (role == null) {
                throw invalid("role: required, one of admin, operator, viewer");
            }
        }
    }

    static void targets(List<String> disks) {
        if (disks == null) {
            return;
        }
        for (String d : disks) {
            if (d == null || !d.matches(TARGET)) {
                throw invalid("disks: " + quote(d) + " is not a disk target (e.g. vda)");
            }
        }
        if (disks.stream().distinct().count() != disks.size()) {
            throw invalid("disks: a disk is named twice");
        }
    }

    static CofferException invalid(String message) {
        return new CofferException(ErrorCode.InvalidArgument, message);
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
