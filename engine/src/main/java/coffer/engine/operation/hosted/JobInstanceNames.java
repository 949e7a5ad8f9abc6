package coffer.engine.operation.hosted;

import coffer.engine.catalog.Catalog;
import coffer.engine.catalog.Instance;
import coffer.engine.job.Job;
import coffer.engine.operation.JobView;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Jobs as their views with the name of the instance each is for ({@link JobView#instanceName()}): a backup's or a
 * clone's target is the instance's UUID, which told a person nothing (docs/reliability.md, session 20). The names are
 * what the catalog has now, a gone instance's its last; read for the whole page in one lookup (docs/api.md, "Lists"),
 * never per row. A target that is no instance (a point, a group) has none.
 */
final class JobInstanceNames {
    private JobInstanceNames() {
    }

    static List<JobView> of(Catalog catalog, List<Job> jobs) {
        List<String> targets = jobs.stream().map(Job::target).filter(t -> t != null).distinct().toList();
        Map<String, String> names = targets.isEmpty() ? Map.of() : catalog.instances().find(targets).stream()
                .collect(Collectors.toMap(Instance::id, Instance::name, (a, b) -> a));
        return jobs.stream().map(j -> JobView.of(j).withInstanceName(names.get(j.target()))).toList();
    }

    static JobView of(Catalog catalog, Job job) {
        return of(catalog, List.of(job)).getFirst();
    }
}
