/**
 * The {@code coffer} command line (picocli). Parses arguments, calls engine use cases, prints text or JSON,
 * and maps errors once to the stable codes and exit statuses of {@link coffer.engine.error.ErrorCode}.
 *
 * <p>Adding a command: a top-level one goes into {@link coffer.cli.Cli}'s list and name table, a group's
 * subcommand into {@link coffer.cli.CommandTree} (not into {@code @Command(subcommands = ...)}); only the command
 * a line names is built, which keeps every command's start short (docs/performance.md, session 15).
 * {@code CliCommandTableTest} and {@code CommandTreeTest} fail when one is left out.
 */
package coffer.cli;
