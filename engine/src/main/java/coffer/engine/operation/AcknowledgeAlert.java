package coffer.engine.operation;

import coffer.engine.error.Problems;

/**
 * Acknowledge a change alert (operator or admin): retention resumes for the instance once none of its alerts stands.
 * The first acknowledgement stands; a second changes nothing.
 *
 * @param alert the alert's id
 * @param note  why, optional (at most 1000 characters)
 * @param by    who: set by the server from the caller's token (a value sent is replaced)
 */
public record AcknowledgeAlert(String alert, String note, String by) implements Operation<AlertView>, Attributed<AcknowledgeAlert> {
    public AcknowledgeAlert {
        Problems problems = new Problems();
        Rules.required(problems, "alert", alert, "the alert's id");
        if (note != null && (note.length() > 1000 || note.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n'))) {
            problems.add("note", "at most 1000 characters without control characters, got " + note.length() + " characters");
        }
        problems.throwIfAny("acknowledge request");
    }

    @Override
    public AcknowledgeAlert attributedTo(String caller) {
        return new AcknowledgeAlert(alert, note, caller);
    }
}
