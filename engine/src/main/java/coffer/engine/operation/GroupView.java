package coffer.engine.operation;

import java.time.Instant;
import java.util.List;

/** A consistency group: its host and members in order (each with its name and state, {@code gone} when released). */
public record GroupView(String id, String name, String host, List<Member> instances, Instant createdAt) {
    public record Member(String id, String name, String state) {
    }
}
