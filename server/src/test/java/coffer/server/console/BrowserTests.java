package coffer.server.console;

import coffer.server.TestServer;
import coffer.server.config.ServerConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a browser test opens, closed after each test whatever its outcome (a JUnit 5 extension, registered with
 * {@code @RegisterExtension}): first its {@link Browser}, then its {@link TestServer} (which cancels its running jobs),
 * then what the test made for the server to work on (a libvirt domain, a test guest, a restored instance to undefine),
 * the last made first. Every one is closed even when another fails; the first failure is thrown with the others
 * suppressed. Not thread-safe: one test at a time.
 */
final class BrowserTests implements AfterEachCallback {
    private Browser browser;
    private TestServer server;
    private final Deque<AutoCloseable> made = new ArrayDeque<>();

    /** A server started on {@code config}, closed after the browser. */
    TestServer server(ServerConfig config) throws Exception {
        server = TestServer.start(config);
        return server;
    }

    /** A headless Chromium on the console at {@code url}, closed first. */
    Browser browser(String url) {
        browser = Browser.open(url);
        return browser;
    }

    /** {@code resource}, closed after the browser and the server (the last made first). */
    <T extends AutoCloseable> T made(T resource) {
        made.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        Deque<AutoCloseable> order = new ArrayDeque<>();
        if (browser != null) {
            order.add(browser);
        }
        if (server != null) {
            order.add(server);
        }
        order.addAll(made);
        for (AutoCloseable resource : order) {
            try {
                resource.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        browser = null;
        server = null;
        made.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
