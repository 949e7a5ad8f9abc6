package coffer.app.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The kill -9 campaign (docs/reliability.md): round after round, one kind after another, an operation is started
 * as a process of its own and killed (SIGKILL) at a moment drawn uniformly from zero to the duration of the last
 * complete run of that kind. After each kill:
 * <ol>
 *   <li>what the kind checks at once (a restarted server ended the job; the domain is not paused);</li>
 *   <li>{@code vault verify} is clean, no point listed before is missing, and each point the killed run
 *       committed restores bit-identical to the data it backed up;</li>
 *   <li>the next operation of the same kind succeeds, and its point restores bit-identical;</li>
 *   <li>nothing is left: no temporary or lock object in the vault, no libvirt job, runtime file or running job,
 *       no unreferenced chunk after a gc, no restore temporary; and one older point, drawn at random, still
 *       restores bit-identical.</li>
 * </ol>
 * At the end every vault is collected ({@code gc --grace 0s}), verified, and every point restored.
 *
 * <p>Not thread-safe.
 */
final class KillCampaign {
    /** The figures of one kind. */
    static final class Figures {
        int rounds;
        int killedRunning;
        int endedFirst;
        int committedByKilled;
        int restores;
    }

    private final List<KillScenario> scenarios;
    private final Random draw;
    private final long seed;
    private final Map<String, Figures> figures = new LinkedHashMap<>();
    private int finalRestores;

    KillCampaign(List<KillScenario> scenarios, long seed) {
        this.scenarios = scenarios;
        this.seed = seed;
        this.draw = new Random(seed);
        scenarios.forEach(s -> figures.put(s.kind(), new Figures()));
    }

    /** Runs each kind once to its end: the first points, and the durations kill moments are drawn from. */
    void setUp() throws Exception {
        for (KillScenario s : scenarios) {
            String what = "setup of " + s.kind();
            s.prepare(draw);
            s.next(what);
            for (String point : s.vault().adopt(s.vault().points(), s.pointData())) {
                s.vault().restoresExactly(point, what);
            }
            s.nothingLeft(what);
        }
    }

    void run(int rounds) throws Exception {
        for (int round = 0; round < rounds; round++) {
            round(scenarios.get(round % scenarios.size()), round);
        }
        Set<CampaignVault> vaults = new LinkedHashSet<>();
        scenarios.forEach(s -> vaults.add(s.vault()));
        for (KillScenario s : scenarios) {
            if (vaults.remove(s.vault())) {
                finish(s);
            }
        }
    }

    private void round(KillScenario s, int round) throws Exception {
        String what = "round " + round + " (" + s.kind() + ", seed " + seed + ")";
        Figures f = figures.get(s.kind());
        CampaignVault vault = s.vault();
        s.prepare(draw);
        Map<String, String> data = s.pointData();
        Set<String> before = vault.points();
        long delay = (long) (draw.nextDouble() * s.typical().toMillis());

        Coffer.Child child = s.start();
        Thread.sleep(delay); // the kill moment drawn for this round
        boolean running = child.kill();
        f.rounds++;
        if (running) {
            f.killedRunning++;
        } else {
            f.endedFirst++;
        }

        s.afterKill(what);
        vault.verifyClean(what + " after the kill");
        Set<String> after = vault.points();
        if (!after.containsAll(before)) {
            List<String> lost = new ArrayList<>(before);
            lost.removeAll(after);
            throw new AssertionError(what + ": points lost by the kill: " + lost);
        }
        List<String> committed = vault.adopt(after, data);
        if (!committed.isEmpty()) {
            f.committedByKilled++;
        }
        for (String point : committed) {
            vault.restoresExactly(point, what + ", a point the killed run committed");
            f.restores++;
        }

        s.next(what);
        for (String point : vault.adopt(vault.points(), data)) {
            vault.restoresExactly(point, what + ", the next operation's point");
            f.restores++;
        }
        vault.verifyClean(what + " after the next operation");
        List<String> left = vault.leftovers();
        if (!left.isEmpty()) {
            throw new AssertionError(what + ": left in the vault after the next operation: " + left);
        }
        s.nothingLeft(what);
        String older = vault.anyPoint(draw, data.isEmpty() ? ImageBackupKill.DISK : data.keySet().iterator().next());
        if (older != null) {
            vault.restoresExactly(older, what + ", an older point");
            f.restores++;
        }
    }

    /** The end of the campaign for {@code s}'s vault: collected to nothing unreferenced, verified, all restored. */
    private void finish(KillScenario s) throws Exception {
        String what = "the end (" + s.vault().path() + ")";
        s.vault().verifyClean(what);
        finalRestores += s.vault().restoreAll(what);
    }

    /** The figures as a table, one line per kind, and a total. */
    String report(int rounds, long millis) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("kill -9 campaign: %d rounds, seed %d, %.1f min%n", rounds, seed, millis / 60000.0));
        out.append(String.format("%-16s %6s %14s %12s %18s %16s%n", "kind", "kills", "while running", "ended first",
                "killed run's point", "exact restores"));
        Figures total = new Figures();
        for (Map.Entry<String, Figures> e : figures.entrySet()) {
            Figures f = e.getValue();
            out.append(String.format("%-16s %6d %14d %12d %18d %16d%n", e.getKey(), f.rounds, f.killedRunning, f.endedFirst,
                    f.committedByKilled, f.restores));
            total.rounds += f.rounds;
            total.killedRunning += f.killedRunning;
            total.endedFirst += f.endedFirst;
            total.committedByKilled += f.committedByKilled;
            total.restores += f.restores;
        }
        out.append(String.format("%-16s %6d %14d %12d %18d %16d%n", "total", total.rounds, total.killedRunning,
                total.endedFirst, total.committedByKilled, total.restores));
        out.append(String.format("after every kill: vault verify clean, no point lost, the next operation succeeded, nothing"
                + " left; at the end %d points restored bit-identical%n", finalRestores));
        return out.toString();
    }
}
