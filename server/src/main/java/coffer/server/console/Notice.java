package coffer.server.console;

import coffer.engine.error.CofferException;
import coffer.engine.error.ErrorCode;

/**
 * A message at the top of a page: what a change did ({@code ok}), or why it was refused ({@code problem}) with the
 * stable code and its remedy, as the command line prints them; the remedy in the console's words (ConsoleRemedies:
 * the page to use, not a command). Immutable.
 */
public record Notice(boolean ok, String text, String code, String remedy) {
    public static Notice ok(String text) {
        return new Notice(true, text, null, null);
    }

    public static Notice problem(CofferException e) {
        return problem(e.code(), e.getMessage());
    }

    public static Notice problem(ErrorCode code, String message) {
        return new Notice(false, message, code.name(), ConsoleRemedies.of(code));
    }
}
