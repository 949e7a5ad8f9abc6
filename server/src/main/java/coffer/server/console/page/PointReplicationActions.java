package coffer.server.console.page;

import coffer.engine.operation.ReplicatePoint;
import coffer.engine.operation.RestoreInstance;
import coffer.server.console.Console;
import coffer.server.console.ConsoleRoutes;
import coffer.server.http.Routes;

import java.util.Map;

/**
 * A point page's region actions (docs/design/replication.md): replicate the point to a vault of another region now
 * ({@link ReplicatePoint}), and a disaster recovery, the point restored in a region as a new instance on one of its
 * hosts, from its replica there ({@link RestoreInstance} with its region and the new instance's overrides: name, start,
 * vCPUs, memory, no network or one network renamed, disk format and directory). Each opens its job's page. Stateless.
 */
public final class PointReplicationActions implements ConsoleRoutes {
    @Override
    public void register(Routes routes, Console console) {
        console.change(routes, "/points/{point}/replicate", ReplicatePoint.class, (ctx, session) -> {
            Form form = new Form(ctx);
            var run = console.operations().start(new ReplicatePoint(ctx.pathParam("point"), form.text("region"),
                    form.text("vault"), form.whole("retentionDays"), null));
            return "/jobs/" + run.job().orElseThrow().id();
        });
        console.change(routes, "/points/{point}/restore-in-region", RestoreInstance.class, (ctx, session) -> {
            Form form = new Form(ctx);
            String from = form.text("networkFrom");
            String to = form.text("networkTo");
            Integer memory = form.whole("memoryMiB");
            var run = console.operations().start(new RestoreInstance(ctx.pathParam("point"), form.text("name"),
                    form.checked("start"), false, form.text("dir"), form.text("region"), form.whole("vcpus"),
                    memory == null ? null : memory.longValue(),
                    from == null && to == null ? null : Map.of(from == null ? "" : from, to == null ? "" : to),
                    form.checked("noNetwork"), form.text("format"), null));
            return "/jobs/" + run.job().orElseThrow().id();
        });
    }
}
