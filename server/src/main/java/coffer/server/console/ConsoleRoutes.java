package coffer.server.console;

import coffer.server.http.Routes;

/** A group of console pages: registers its pages and changes through {@link Console#page} and {@link Console#change}. */
public interface ConsoleRoutes {
    void register(Routes routes, Console console);
}
