/**
 * The {@code coffer} command line (picocli). Parses arguments, calls engine use cases, prints text or JSON,
 * and maps errors once to the stable codes and exit statuses of {@link coffer.engine.error.ErrorCode}.
 */
package coffer.cli;
