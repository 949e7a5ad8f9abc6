package coffer.engine.operation;

import coffer.engine.catalog.StoredPolicy;
import coffer.engine.instance.AppConsistency;

import java.time.Instant;

/**
 * A policy of the policy center: its document ({@link PolicyDocument}'s fields), the schedule's first run and
 * interval spelled out, how many plans are bound to it, when it was made and edited, and its region.
 */
public record PolicyView(String id, String name, PolicyDocument.ScheduleForm schedule, String zone,
                         PolicyDocument.RetentionForm retention, Boolean immutable, PolicyDocument.ReplicationForm replication,
                         PolicyDocument.ArchiveForm archive, AppConsistency appConsistent, Instant scheduleStart,
                         String scheduleInterval, int plans, Instant createdAt, Instant updatedAt, String region,
                         @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                         PolicyDocument.DrillForm drill) {

    public static PolicyView of(StoredPolicy p, int plans) {
        PolicyDocument d = PolicyDocument.of(p.policy());
        return new PolicyView(p.id(), d.name(), d.schedule(), d.zone(), d.retention(), d.immutable(), d.replication(),
                d.archive(), d.appConsistent(), p.policy().schedule().start(), p.policy().schedule().interval().iso(), plans,
                p.createdAt(), p.updatedAt(), p.region(), d.drill());
    }

    /** The document part (what an edit changes). */
    public PolicyDocument document() {
        return new PolicyDocument(name, schedule, zone, retention, immutable, replication, archive, appConsistent, region, drill);
    }
}
