package coffer.cli;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;
import coffer.engine.instance.AppConsistency;
import coffer.engine.operation.CreatePolicy;
import coffer.engine.operation.DeletePolicy;
import coffer.engine.operation.EditPolicy;
import coffer.engine.operation.ListPolicies;
import coffer.engine.operation.PolicyDocument;
import coffer.engine.operation.PolicyView;
import coffer.engine.operation.ShowPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code coffer policy create|edit|list|show|delete} (needs a server): the policy center. */
@Command(name = "policy", description = "The policy center: schedules, retention, immutability, replication (needs a server).",
        mixinStandardHelpOptions = true)
final class PolicyCommand {

    /** The fields a person sets on the command line: only those given go into the document. */
    static final class Fields {
        @Option(names = "--schedule", paramLabel = "I|START|INTERVAL", description = "The whole schedule, e.g. I|1631685600|P1D (or --start and --every).") String schedule;
        @Option(names = "--start", paramLabel = "INSTANT", description = "First run, to the second: 2026-01-01T02:00:00Z (create: default the next whole hour).") Instant start;
        @Option(names = "--every", paramLabel = "INTERVAL", converter = Values.IntervalConverter.class,
                description = "Interval: hours, days or weeks, e.g. 4h, 1d, 1w (or PT4H, P1D, P1W).") String every;
        @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone of days, weeks and calendar rules (default UTC).") String zone;
        @Option(names = "--keep", paramLabel = "PERIOD", converter = Values.PeriodConverter.class,
                description = "Keep every point this long: 7d, 4w, 6m, 1y (or P7D …).") String keep;
        @Option(names = "--keep-latest", paramLabel = "N", description = "Also keep the newest N points (0: off).") Integer keepLatest;
        @Option(names = "--keep-first", paramLabel = "UNIT:COUNT", split = ",", description = "Calendar rules: days:7,weeks:4,months:12,years:3.") List<String> calendar;
        @Option(names = "--immutable", negatable = true, description = "Points cannot be deleted before they expire.") Boolean immutable;
        @Option(names = "--replicate-to", paramLabel = "REGION/VAULT", description = "Replicate each point a plan of the policy takes to this region's vault (a replicate job after the backup).") String replicateTo;
        @Option(names = "--replica-keep", paramLabel = "PERIOD", converter = Values.PeriodConverter.class,
                description = "Keep each replica this long from its point's creation: 7d, 4w, 6m, 1y.") String replicaKeep;
        @Option(names = "--replica-key", paramLabel = "KEY", description = "Encrypt replicas with this key of the destination (default: auto; cannot be changed once set).") String replicaKey;
        @Option(names = "--no-replication", description = "Turn replication off.") boolean noReplication;
        @Option(names = "--region", paramLabel = "REGION", description = "The region whose instances the policy protects (create; default: the server's first region; fixed once created).") String region;
        @Option(names = "--archive-after", paramLabel = "DAYS", description = "Archive points after this many days (stored; not acted on yet).") Long archiveAfter;
        @Mixin AppConsistencyOptions consistency = new AppConsistencyOptions();
        @Option(names = "--crash-consistent", description = "Edit: turn application consistency off.") boolean crashConsistent;
        @Option(names = "--drill-every", paramLabel = "PERIOD", description = "Restore-drill each instance of the policy every PERIOD: 7d, 2w (at most a year); off to stop.") String drillEvery;
        @Option(names = "--drill-check", paramLabel = "COMMAND", split = " ", description = "The drills' check command in the copy, absolute path then arguments, space-separated: '/bin/systemctl is-system-running'.") List<String> drillCheck;

        /** The document of the given fields; {@code current} fills the other half of a schedule given in halves. */
        PolicyDocument document(String name, PolicyView current) {
            PolicyDocument.ScheduleForm scheduleForm = null;
            if (schedule != null) {
                scheduleForm = PolicyDocument.ScheduleForm.of(schedule);
            } else if (start != null || every != null) {
                if (current == null && every == null) {
                    throw new CofferException(ErrorCode.InvalidArgument, "--every: the interval is required with --start");
                }
                Instant first = start != null ? start : current != null ? current.scheduleStart() : nextWholeHour();
                scheduleForm = PolicyDocument.ScheduleForm.of(first.toString(), every != null ? every : current.scheduleInterval());
            }
            PolicyDocument.RetentionForm retention = keep == null && keepLatest == null && calendar == null ? null
                    : new PolicyDocument.RetentionForm(keep, keepLatest, calendar == null ? null : calendarRules());
            PolicyDocument.ReplicationForm replication = null;
            if (noReplication) {
                replication = new PolicyDocument.ReplicationForm(false, null, null, null, null);
            } else if (replicateTo != null || replicaKeep != null || replicaKey != null) {
                String[] to = replicateTo == null ? new String[0] : replicateTo.split("/", 2);
                replication = new PolicyDocument.ReplicationForm(true, to.length > 0 ? to[0] : null, to.length > 1 ? to[1] : null,
                        replicaKeep, replicaKey == null ? null : new PolicyDocument.EncryptionForm(replicaKey));
            }
            if (crashConsistent && consistency.given()) {
                throw new CofferException(ErrorCode.InvalidArgument, "--crash-consistent excludes --app-consistent and its options");
            }
            AppConsistency app = crashConsistent ? AppConsistency.off() : consistency.given() ? consistency.consistency() : null;
            PolicyDocument.DrillForm drill = drillEvery == null && drillCheck == null ? null
                    : new PolicyDocument.DrillForm(drillEvery, drillCheck); // an edit keeps what it does not give
            return new PolicyDocument(name, scheduleForm, zone, retention, immutable, replication,
                    archiveAfter == null ? null : new PolicyDocument.ArchiveForm(true, archiveAfter), app, region, drill);
        }

        private List<PolicyDocument.CalendarForm> calendarRules() {
            List<PolicyDocument.CalendarForm> rules = new ArrayList<>();
            for (String rule : calendar) {
                String[] parts = rule.split(":", 2);
                if (parts.length != 2 || !parts[1].matches("\\d{1,9}")) {
                    throw new CofferException(ErrorCode.InvalidArgument, "--keep-first: '" + rule
                            + "' is not UNIT:COUNT, e.g. days:7, weeks:4, months:12, years:3");
                }
                rules.add(new PolicyDocument.CalendarForm(parts[0], Long.parseLong(parts[1])));
            }
            return rules;
        }

        private static Instant nextWholeHour() {
            return Instant.now().truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        }
    }

    @Command(name = "create", description = "Create a policy (without --start or --schedule its first run is the next whole hour).",
            mixinStandardHelpOptions = true)
    static final class Create implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "NAME", description = "The policy's name.") String name;
        @Mixin Fields fields;

        @Override
        public Integer call() {
            if (fields.schedule == null && fields.start == null && fields.every != null) {
                fields.start = Fields.nextWholeHour();
            }
            return Operate.call(server, common, new CreatePolicy(fields.document(name, null)));
        }
    }

    @Command(name = "edit", description = "Change a policy's fields (the others stay, within retention and replication too);"
            + " its plans restart their schedule from now.", mixinStandardHelpOptions = true)
    static final class Edit implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "POLICY", description = "Id or name.") String policy;
        @Option(names = "--name", paramLabel = "NAME", description = "Rename it.") String name;
        @Mixin Fields fields;

        @Override
        public Integer call() {
            HttpOperations operations = server.operations();
            PolicyView current = fields.start != null ^ fields.every != null ? operations.call(new ShowPolicy(policy)) : null;
            Render.result(common, operations.call(new EditPolicy(policy, fields.document(name, current))));
            return 0;
        }
    }

    @Command(name = "list", description = "Policies, by name; every page unless --limit is given.", mixinStandardHelpOptions = true)
    static final class ListPolicies_ implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Option(names = "--region", paramLabel = "REGION", description = "Only the policies of this region.") String region;
        @Option(names = "--cursor", paramLabel = "CURSOR", description = "The page after this cursor (a previous page's next cursor).") String cursor;
        @Option(names = "--limit", paramLabel = "N", description = "One page of at most N (1-1000), with the cursor of the next.") Integer limit;

        @Override
        public Integer call() {
            ListPolicies first = new ListPolicies(region, cursor, limit);
            return Operate.callOneOrEveryPage(server, common, limit != null, first,
                    coffer.engine.operation.PolicyList::nextCursor, first::next, pages -> coffer.engine.operation.PolicyList.of(
                            pages.stream().flatMap(page -> page.policies().stream()).toList()));
        }
    }

    @Command(name = "show", description = "One policy.", mixinStandardHelpOptions = true)
    static final class Show implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "POLICY", description = "Id or name.") String policy;

        @Override
        public Integer call() {
            return Operate.call(server, common, new ShowPolicy(policy));
        }
    }

    @Command(name = "delete", description = "Delete a policy that no plan uses.", mixinStandardHelpOptions = true)
    static final class Delete implements Callable<Integer> {
        @Mixin CommonOptions common;
        @Mixin ServerOption server;
        @Parameters(paramLabel = "POLICY", description = "Id or name.") String policy;

        @Override
        public Integer call() {
            return Operate.call(server, common, new DeletePolicy(policy));
        }
    }
}
