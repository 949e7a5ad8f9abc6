package coffer.server.api;

import coffer.engine.plan.PointLifecycle;
import coffer.engine.plan.RetentionSweep;
import coffer.engine.policy.PointExpiry;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A point's retention: show why it is kept and until when; extend it by whole days (1 to 65,536) or set it
 * to never expire. And a retention sweep on request (the server also sweeps after each backup and on a timer).
 */
public final class PointRetentionApi {
    private final PointLifecycle points;
    private final RetentionSweep sweep;

    public PointRetentionApi(PointLifecycle points, RetentionSweep sweep) {
        this.points = points;
        this.sweep = sweep;
    }

    record Change(Integer extendDays, Boolean neverExpire) {
        void validate() {
            boolean never = Boolean.TRUE.equals(neverExpire);
            if ((extendDays != null) == never) {
                throw Requests.invalid("give exactly one of 'extendDays' (1 to 65536) and 'neverExpire': true");
            }
            if (extendDays != null && (extendDays < 1 || extendDays > 65_536)) {
                throw Requests.invalid("extendDays: must be between 1 and 65536, got " + extendDays);
            }
        }
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/points/{point}/retention", Role.viewer, this::show)
                .post(Routes.PREFIX + "/points/{point}/retention", Role.operator, this::change)
                .post(Routes.PREFIX + "/retention/sweep", Role.operator, this::sweep);
    }

    private void show(Context ctx) {
        Json.write(ctx, 200, view(points.state(ctx.pathParam("point"))));
    }

    private void change(Context ctx) {
        Change request = Json.body(ctx, Change.class);
        request.validate();
        String id = ctx.pathParam("point");
        PointLifecycle.State state = request.extendDays() != null ? points.extend(id, request.extendDays()) : points.neverExpire(id);
        Json.write(ctx, 200, view(state));
    }

    private void sweep(Context ctx) {
        RetentionSweep.Report report = sweep.sweepAll();
        Json.write(ctx, 200, Map.of("deleted", report.deleted(), "failures", report.failures()));
    }

    static Map<String, Object> view(PointLifecycle.State s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("point", s.point().pointId());
        m.put("instance", s.point().instanceId());
        m.put("origin", s.point().origin().name());
        m.put("plan", s.point().planId());
        m.put("policy", s.point().policyId());
        m.put("immutable", s.point().immutable());
        m.put("expiry", switch (s.point().expiry()) {
            case PointExpiry.ByRules ignored -> Map.of("kind", "BY_RULES");
            case PointExpiry.At at -> Map.of("kind", "AT", "until", at.instant());
            case PointExpiry.Never ignored -> Map.of("kind", "NEVER");
        });
        m.put("kept", s.verdict().kept());
        m.put("expiresAt", s.verdict().expiresAt().orElse(null));
        m.put("reasons", s.verdict().reasons().stream().map(r -> {
            Map<String, Object> reason = new LinkedHashMap<>();
            reason.put("kind", r.kind().name());
            reason.put("rule", r.rule());
            reason.put("until", r.until().orElse(null));
            return reason;
        }).toList());
        return m;
    }
}
