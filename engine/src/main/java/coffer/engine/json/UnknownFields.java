package coffer.engine.json;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds (and removes) the fields of a JSON tree that a record does not have, before the record is made: Jackson reports them
 * only after a record's constructor succeeded, and the constructor reports its own problems first, so without
 * this a request would learn of its unknown fields one correction later. A record's fields are its components,
 * or the {@code @JsonProperty} parameters of its properties creator when it has one. Stateless.
 */
final class UnknownFields {
    private UnknownFields() {
    }

    /**
     * Each unknown field as {@code path: unknown field (known: ...)}, removed from {@code tree} (a copy the
     * caller owns) so that the record can still be made and report its own problems.
     */
    static List<String> remove(JsonNode tree, Class<?> type) {
        List<String> found = new ArrayList<>();
        walk(tree, type, "", found);
        return found;
    }

    private static void walk(JsonNode node, Type type, String path, List<String> found) {
        if (node == null) {
            return;
        }
        if (node.isArray() && type instanceof ParameterizedType list && list.getActualTypeArguments().length == 1) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), list.getActualTypeArguments()[0], path + "[" + i + "]", found);
            }
            return;
        }
        if (!node.isObject() || !(type instanceof Class<?> c) || !c.isRecord()) {
            return;
        }
        Map<String, Type> fields = fields(c);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            if (!fields.containsKey(field.getKey())) {
                found.add(at + ": unknown field (known: " + String.join(", ", new TreeSet<>(fields.keySet())) + ")");
                it.remove();
            } else {
                walk(field.getValue(), fields.get(field.getKey()), at, found);
            }
        }
    }

    private static Map<String, Type> fields(Class<?> record) {
        Map<String, Type> fields = new LinkedHashMap<>();
        for (Method m : record.getDeclaredMethods()) {
            JsonCreator creator = m.getAnnotation(JsonCreator.class);
            if (creator != null && creator.mode() == JsonCreator.Mode.PROPERTIES && Modifier.isStatic(m.getModifiers())) {
                for (Parameter p : m.getParameters()) {
                    fields.put(p.getAnnotation(JsonProperty.class).value(), p.getParameterizedType());
                }
                return fields;
            }
        }
        for (RecordComponent c : record.getRecordComponents()) {
            JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
            fields.put(named != null && !named.value().isEmpty() ? named.value() : c.getName(), c.getGenericType());
        }
        return fields;
    }
}
