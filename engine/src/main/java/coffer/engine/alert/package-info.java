/**
 * Change-rate and entropy ("ransomware") alerts (docs/design/assurance.md). {@link coffer.engine.alert.ChangeBaseline}
 * judges, as a pure function, one backup's {@code ChangeMeasure} against the instance's recent samples (rolling
 * medians); {@link coffer.engine.alert.ChangeWatch} is the use case a backup job calls after its point is recorded: it
 * stores the sample, raises the alerts, and acknowledges them. While an alert stands unacknowledged, retention keeps
 * the instance's older points ({@code coffer.engine.policy.RetentionHold}). Knows nothing of jobs, roles or HTTP: the
 * API layer decides who may acknowledge (operator or admin).
 */
package coffer.engine.alert;
