package coffer.engine.plan;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.random.RandomGenerator;

/** Readable default plan names: {@code plan-<adjective>-<animal>-<4 hex>}, e.g. {@code plan-brisk-otter-3f2a}. */
public final class PlanNames {
    private static final List<String> ADJECTIVES = List.of("amber", "brisk", "calm", "deft", "eager", "fair", "gentle",
            "hardy", "keen", "lucid", "merry", "noble", "plucky", "quiet", "rapid", "steady", "tidy", "vivid", "wise", "zesty");
    private static final List<String> ANIMALS = List.of("badger", "crane", "dingo", "egret", "ferret", "gecko", "heron",
            "ibis", "jackal", "koala", "lemur", "marten", "newt", "otter", "panda", "quail", "raven", "stoat", "tapir", "wren");
    private static final RandomGenerator RANDOM = new SecureRandom();

    private PlanNames() {
    }

    public static String random() {
        byte[] suffix = new byte[2];
        ((SecureRandom) RANDOM).nextBytes(suffix);
        return "plan-" + ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "-" + ANIMALS.get(RANDOM.nextInt(ANIMALS.size()))
                + "-" + HexFormat.of().formatHex(suffix);
    }
}
