package coffer.engine.operation;

import coffer.engine.instance.InPlaceWrite;
import coffer.engine.job.JobType;
import coffer.engine.json.CofferJson;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's result is written by the server (the job row, the API) and read back strictly by the command line
 * ({@link CofferJson}: an unknown field is refused). So every record in a result writes exactly its components: a
 * convenience method Jackson takes for a property ({@code isQuick()}) made the server write a field the client then
 * refused, and {@code coffer restore instance POINT --in-place --wait} through a server failed with
 * "writes.vda.quick: unknown field" after the restore had succeeded.
 */
class JobResultJsonShapeTest {

    @Test
    void everyRecordOfEveryJobResultWritesExactlyItsComponents() {
        Set<Class<?>> seen = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (JobType type : JobType.values()) {
            check(type.result(), seen, problems);
        }
        assertTrue(seen.contains(InPlaceWrite.class), "the walk reaches the in-place writes: " + seen);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void anInPlaceRestoresResultReadsBackAsWritten() {
        RestoreInstanceResult written = new RestoreInstanceResult("20261207-005443-83f11c77", "web-1",
                Map.of("vda", "/var/lib/libvirt/images/web-1.qcow2"), false,
                Map.of("vda", InPlaceWrite.quick("vda", 2 << 20, 64 << 20, "20261207-005531-868ba3b0")));
        JsonNode tree = CofferJson.tree(written);
        assertEquals(Set.of("disk", "mode", "bytesWritten", "diskSize", "since", "reason", "summary"),
                fieldNames(tree.path("writes").path("vda")));
        assertEquals(written, CofferJson.read(tree, RestoreInstanceResult.class));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void check(Type type, Set<Class<?>> seen, List<String> problems) {
        if (type instanceof ParameterizedType p) {
            for (Type argument : p.getActualTypeArguments()) {
                check(argument, seen, problems);
            }
            check(p.getRawType(), seen, problems);
            return;
        }
        if (!(type instanceof Class<?> c) || !c.isRecord() || !seen.add(c)) {
            return;
        }
        Set<String> components = new TreeSet<>();
        for (RecordComponent component : c.getRecordComponents()) {
            components.add(component.getName());
            check(component.getGenericType(), seen, problems);
        }
        JavaType javaType = CofferJson.MAPPER.constructType(c);
        Set<String> written = new TreeSet<>();
        for (BeanPropertyDefinition property : CofferJson.MAPPER.getSerializationConfig().introspect(javaType)
                .findProperties()) {
            if (property.couldSerialize()) {
                written.add(property.getName());
            }
        }
        if (!written.equals(components)) {
            problems.add(c.getName() + " writes " + written + ", its components are " + components);
        }
    }
}
