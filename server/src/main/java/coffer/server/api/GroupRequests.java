package coffer.server.api;

import coffer.engine.instance.AppConsistency;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** The request bodies of the consistency-group routes, each checked by its {@code validate()} naming the field. */
final class GroupRequests {
    static final String NAME = "[A-Za-z0-9][A-Za-z0-9._+-]{0,63}";
    /** A suffix makes new domain and file names: no '/', no spaces. */
    static final String SUFFIX = "[A-Za-z0-9._+-]{1,32}";
    static final int MAX_MEMBERS = 16;

    private GroupRequests() {
    }

    record Create(String name, List<String> instances) {
        void validate() {
            if (name == null || !name.matches(NAME)) {
                throw Requests.invalid("name: 1 to 64 letters, digits, '.', '_', '+' or '-', got " + quote(name));
            }
            if (instances == null || instances.isEmpty()) {
                throw Requests.invalid("instances: name the group's instances (UUID or name), at least one");
            }
            if (instances.size() > MAX_MEMBERS) {
                throw Requests.invalid("instances: at most " + MAX_MEMBERS + " instances per group, got " + instances.size());
            }
            if (instances.stream().distinct().count() != instances.size()) {
                throw Requests.invalid("instances: an instance is named twice");
            }
        }
    }

    record Backup(String vault, Integer retentionDays, JsonNode appConsistent) {
        AppConsistency validate() {
            if (retentionDays != null && (retentionDays < 1 || retentionDays > 65_536)) {
                throw Requests.invalid("retentionDays: must be between 1 and 65536, got " + retentionDays);
            }
            return Requests.consistency(appConsistent, "appConsistent");
        }
    }

    record Clone(String suffix, String vault, JsonNode appConsistent) {
        AppConsistency validate() {
            checkSuffix(suffix, true);
            return Requests.consistency(appConsistent, "appConsistent");
        }
    }

    record Restore(String suffix, Boolean start, Boolean inPlace) {
        void validate() {
            boolean in = inPlace != null && inPlace;
            if (in == (suffix != null)) {
                throw Requests.invalid("give exactly one of 'suffix' (new instances <member><suffix>) and 'inPlace': true");
            }
            if (in && start != null && start) {
                throw Requests.invalid("start: an in-place restore leaves the instances shut off");
            }
            checkSuffix(suffix, false);
        }
    }

    private static void checkSuffix(String suffix, boolean required) {
        if (suffix == null && !required) {
            return;
        }
        if (suffix == null || !suffix.matches(SUFFIX)) {
            throw Requests.invalid("suffix: 1 to 32 letters, digits, '.', '_', '+' or '-' appended to each member's name, got "
                    + quote(suffix));
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }
}
