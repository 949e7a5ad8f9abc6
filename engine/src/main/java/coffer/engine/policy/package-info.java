/**
 * Backup policies as pure values: the policy record and its validation, the schedule (start to the second
 * plus an interval; the {@code I|<unix start>|<ISO-8601 duration>} form), the stagger that spreads plans
 * with one start over a window, the catch-up decision after a downtime, and retention (which points of an
 * instance are kept, until when and by which rule).
 *
 * <p>Owns: policy fields, their limits and error messages, the arithmetic of schedules and expiries.
 * Must not know: SQL, HTTP, jobs, the vault or libvirt. Everything here is immutable or stateless and
 * therefore thread-safe (except {@link coffer.engine.error.Problems}, a local collector); time always
 * comes in as an argument ({@code now}), never from a clock, so every decision is a pure function that
 * the scheduler loop and the retention job call with persisted facts. Design: docs/design/policies.md.
 */
package coffer.engine.policy;

import coffer.engine.error.Problems;
