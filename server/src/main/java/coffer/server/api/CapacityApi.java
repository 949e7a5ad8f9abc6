package coffer.server.api;

import coffer.engine.catalog.Instance;
import coffer.engine.catalog.PointRecord;
import coffer.server.auth.Role;
import coffer.server.http.Json;
import coffer.server.http.Routes;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Capacity: logical bytes (what the points cover) against stored bytes (what their writes added to the
 * vault after deduplication and compression), per vault, per instance and per disk, from the catalog.
 */
public final class CapacityApi {
    private final ApiContext api;

    public CapacityApi(ApiContext api) {
        this.api = api;
    }

    public void register(Routes routes) {
        routes.get(Routes.PREFIX + "/capacity", Role.viewer, this::capacity);
    }

    private void capacity(Context ctx) {
        List<PointRecord> points = api.catalog().points().listAll();
        Map<String, Totals> vaults = new TreeMap<>();
        for (String name : api.vaults().names()) {
            vaults.put(name, new Totals());
        }
        Map<String, Totals> instances = new TreeMap<>();
        Map<String, Totals> disks = new TreeMap<>();
        for (PointRecord p : points) {
            vaults.computeIfAbsent(p.vault(), v -> new Totals()).add(p.logicalBytes(), p.storedBytes());
            instances.computeIfAbsent(p.instanceId(), v -> new Totals()).add(p.logicalBytes(), p.storedBytes());
            for (PointRecord.PointDisk d : p.disks()) {
                disks.computeIfAbsent(p.instanceId() + "\u0000" + d.target(), v -> new Totals())
                        .add(d.logicalBytes(), d.storedBytes());
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vaults", vaults.entrySet().stream().map(e -> e.getValue().view("vault", e.getKey())).toList());
        body.put("instances", instances.entrySet().stream().map(e -> {
            Map<String, Object> v = e.getValue().view("instance", e.getKey());
            v.put("name", api.catalog().instances().find(e.getKey()).map(Instance::name).orElse(null));
            return v;
        }).toList());
        body.put("disks", disks.entrySet().stream().map(e -> {
            String[] key = e.getKey().split("\u0000", 2);
            Map<String, Object> v = e.getValue().view("instance", key[0]);
            v.put("disk", key[1]);
            return v;
        }).toList());
        Json.write(ctx, 200, body);
    }

    private static final class Totals {
        long points;
        long logical;
        long stored;

        void add(long logicalBytes, long storedBytes) {
            points++;
            logical += logicalBytes;
            stored += storedBytes;
        }

        Map<String, Object> view(String key, String id) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(key, id);
            m.put("points", points);
            m.put("logicalBytes", logical);
            m.put("storedBytes", stored);
            m.put("ratio", stored == 0 ? null : Math.round(100.0 * logical / stored) / 100.0);
            return m;
        }
    }
}
