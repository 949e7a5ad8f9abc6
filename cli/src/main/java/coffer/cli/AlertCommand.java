package coffer.cli;

import coffer.engine.operation.AcknowledgeAlert;
import coffer.engine.operation.AlertList;
import coffer.engine.operation.ListAlerts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code coffer alert list|ack} (needs a server): change-rate and entropy alerts, docs/design/assurance.md. */
@Command(name = "alert", description = "Change alerts: an instance changed far more than usual, or its new data stopped compressing.",
        mixinStandardHelpOptions = true)
final class AlertCommand {

    @Command(name = "list", description = "Standing alerts of every instance (or every alert of one instance), newest first;"
            + " every page unless --limit is given.",
            mixinStandardHelpOptions = true)
    static final class List_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--instance", paramLabel = "INSTANCE", description = "Every alert of this instance, acknowledged ones too.") String instance;
        @Option(names = "--acknowledged", description = "Every instance's alerts, acknowledged ones too.") boolean acknowledged;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N alerts (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            Boolean all = acknowledged ? true : null;
            return Operate.callOneOrEveryPage(server, common, limit != null, new ListAlerts(instance, limit, all, cursor),
                    AlertList::nextCursor, next -> new ListAlerts(instance, null, all, next),
                    pages -> AlertList.of(pages.stream().flatMap(page -> page.alerts().stream()).toList()));
        }
    }

    @Command(name = "ack", description = "Acknowledge an alert (operator or admin): retention resumes expiring the instance's older points.",
            mixinStandardHelpOptions = true)
    static final class Ack implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "ALERT", description = "The alert's id.") String alert;
        @Option(names = "--note", paramLabel = "TEXT", description = "Why (kept with the alert, at most 1000 characters).") String note;

        @Override
        public Integer call() {
            return Operate.call(server, common, new AcknowledgeAlert(alert, note, null));
        }
    }
}
