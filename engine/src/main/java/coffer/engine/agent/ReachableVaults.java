package coffer.engine.agent;

import coffer.engine.vault.VaultDirectory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The vaults of the agent's configuration it can open now (docs/design/agents.md "Where the agent writes"): each one
 * opened afresh at every announce ({@link VaultDirectory#whyUnreachable}: a directory present with a readable vault
 * config, an S3 bucket answering with the vault's config object, its keys unwrapped by the key ring). Only those are
 * announced, so the jobs of the others are left to the servers; a vault mounted later is announced at the next
 * announce, one that disappears is no longer announced. Each change is logged: which configured vaults are left out
 * and why (the error code and message of opening it: paths and bucket names, never keys or secrets). Thread-safe
 * (one check at a time).
 */
final class ReachableVaults {
    private static final System.Logger LOG = System.getLogger(ReachableVaults.class.getName());

    private final VaultDirectory vaults;
    /** The vaults left out at the last check, with why: a change is logged. */
    private Map<String, String> leftOut;

    ReachableVaults(VaultDirectory vaults) {
        this.vaults = vaults;
    }

    /** The vault the agent uses for a job naming none: its configuration's default (announced with the others). */
    String defaultName() {
        return vaults.defaultName();
    }

    /** The names of the configured vaults that open now, sorted; logs the ones left out when that changed. */
    synchronized List<String> check() {
        TreeSet<String> reached = new TreeSet<>();
        Map<String, String> unreachable = new TreeMap<>();
        for (String name : new TreeSet<>(vaults.names())) {
            Optional<String> why = vaults.whyUnreachable(name);
            if (why.isPresent()) {
                unreachable.put(name, why.get());
            } else {
                reached.add(name);
            }
        }
        if (!unreachable.equals(leftOut)) {
            unreachable.forEach((name, why) -> LOG.log(System.Logger.Level.WARNING, "vault '" + name
                    + "' of the configuration is left out of this agent's announce (its jobs run on a server): " + why));
            if (leftOut != null) {
                leftOut.keySet().stream().filter(name -> !unreachable.containsKey(name)).forEach(name -> LOG.log(
                        System.Logger.Level.INFO, "vault '" + name + "' opens now: announced (its jobs run on this agent)"));
            }
            LOG.log(System.Logger.Level.INFO, "announcing vaults " + reached + (unreachable.isEmpty() ? ""
                    : "; left out " + unreachable.keySet()));
            leftOut = unreachable;
        }
        return List.copyOf(reached);
    }
}
