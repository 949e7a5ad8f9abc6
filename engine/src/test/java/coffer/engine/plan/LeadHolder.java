package coffer.engine.plan;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.CatalogConfig;
import coffer.engine.catalog.Leadership;

/**
 * A process that takes the lead "scheduler" on the catalog at {@code args[0]} and keeps it (checking every second,
 * as a server's scheduler does) until it is killed: the other side of
 * {@link SchedulerLeadershipOnPostgresTest#aHolderProcessKilledWithSigkillLosesTheLeadWithinSeconds}. Prints
 * {@code leading} once it holds the lead.
 */
public final class LeadHolder {
    private LeadHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Catalog catalog = Catalog.open(new CatalogConfig(args[0], null, null, 2));
             Leadership lead = catalog.leadership("scheduler")) {
            while (!lead.lead()) {
                Thread.sleep(100);
            }
            System.out.println("leading");
            System.out.flush();
            while (lead.lead()) {
                Thread.sleep(1000);
            }
        }
    }
}
