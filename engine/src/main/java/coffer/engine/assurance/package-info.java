/**
 * The server's assurance schedules (docs/design/assurance.md): which verify and restore drill jobs are due, decided on
 * the catalog's runs and jobs, and queued as the same operation records a person's request makes.
 * {@link coffer.engine.assurance.VerifyScheduler} asks {@code VerifySchedule} per vault;
 * {@link coffer.engine.assurance.DrillScheduler} drills protected instances by their policy's drill rule or the server's
 * own period. The use cases they queue are {@code coffer.engine.verify} and {@code coffer.engine.drill}, which know
 * nothing of jobs; the server's loop ({@code coffer.server.ServerAssurance}) ticks them.
 */
package coffer.engine.assurance;
