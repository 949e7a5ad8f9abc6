package coffer.engine.operation;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Something deleted: its id, its name (when it has one), and how many points it leaves (a plan's, kept). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Deleted(String deleted, String name, Integer pointsKept) {
}
