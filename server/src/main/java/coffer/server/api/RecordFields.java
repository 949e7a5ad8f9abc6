package coffer.server.api;

import java.lang.reflect.RecordComponent;

/** Reads a record's field by name (path and query parameters of an operation record). Stateless. */
public final class RecordFields {
    private RecordFields() {
    }

    public static Object value(Record record, String name) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (c.getName().equals(name)) {
                try {
                    return c.getAccessor().invoke(record);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalArgumentException(record.getClass().getSimpleName() + " has no field " + name);
    }

    /** The JSON name of a component: its {@code @JsonProperty} name, else its own. */
    public static String jsonName(RecordComponent c) {
        com.fasterxml.jackson.annotation.JsonProperty p = c.getAccessor().getAnnotation(
                com.fasterxml.jackson.annotation.JsonProperty.class);
        return p != null && !p.value().isEmpty() ? p.value() : c.getName();
    }
}
