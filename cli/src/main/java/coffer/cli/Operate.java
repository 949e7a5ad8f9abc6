package coffer.cli;

import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Runs an operation answered at once in the command's mode and renders its result. */
final class Operate {
    private Operate() {
    }

    /** Offline or through a server, as {@code transport} chooses. */
    static int call(Transport transport, CommonOptions common, Operation<?> operation) {
        Operations operations = transport.open(0);
        try {
            Render.result(common, operations.call(operation));
        } finally {
            Transport.close(operations);
        }
        return 0;
    }

    /**
     * The body of a paged list command (docs/api.md, "Lists"): with {@code onePage} (the command was given a page's
     * size or offset, or its pages are not to be walked) {@code first} as answered; otherwise every page through one
     * connection, {@code first}, then the page after each answer's {@code nextCursor} ({@code next} makes that
     * request), made one answer by {@code whole} from the pages in order.
     */
    static <R> int callOneOrEveryPage(Transport transport, CommonOptions common, boolean onePage, Operation<R> first,
                                      Function<R, String> nextCursor, Function<String, Operation<R>> next,
                                      Function<List<R>, R> whole) {
        if (onePage) {
            return call(transport, common, first);
        }
        Operations operations = transport.open(0);
        try {
            Render.result(common, whole.apply(everyPage(operations, first, nextCursor, next)));
        } finally {
            Transport.close(operations);
        }
        return 0;
    }

    /** {@link #callOneOrEveryPage(Transport, CommonOptions, boolean, Operation, Function, Function, Function)} through the server. */
    static <R> int callOneOrEveryPage(ServerOption server, CommonOptions common, boolean onePage, Operation<R> first,
                                      Function<R, String> nextCursor, Function<String, Operation<R>> next,
                                      Function<List<R>, R> whole) {
        if (onePage) {
            return call(server, common, first);
        }
        Render.result(common, whole.apply(everyPage(server.operations(), first, nextCursor, next)));
        return 0;
    }

    private static <R> List<R> everyPage(Operations operations, Operation<R> first, Function<R, String> nextCursor,
                                         Function<String, Operation<R>> next) {
        List<R> pages = new ArrayList<>();
        R page = operations.call(first);
        pages.add(page);
        while (nextCursor.apply(page) != null) {
            page = operations.call(next.apply(nextCursor.apply(page)));
            pages.add(page);
        }
        return pages;
    }

    /** Through the server (commands that need one). */
    static int call(ServerOption server, CommonOptions common, Operation<?> operation) {
        Render.result(common, server.operations().call(operation));
        return 0;
    }
}
