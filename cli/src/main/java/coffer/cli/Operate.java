package coffer.cli;

import coffer.engine.operation.Operation;
import coffer.engine.operation.Operations;

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
     * Every page of a paged list (docs/api.md, "Lists") through one connection: {@code first}, then the page after each
     * answer's {@code nextCursor} ({@code next} makes that request), joined into one answer by {@code join}.
     */
    static <R> int callEveryPage(Transport transport, CommonOptions common, Operation<R> first,
                                 java.util.function.Function<R, String> nextCursor,
                                 java.util.function.Function<String, Operation<R>> next,
                                 java.util.function.BinaryOperator<R> join) {
        Operations operations = transport.open(0);
        try {
            Render.result(common, everyPage(operations, first, nextCursor, next, join));
        } finally {
            Transport.close(operations);
        }
        return 0;
    }

    /** {@link #callEveryPage(Transport, CommonOptions, Operation, java.util.function.Function, java.util.function.Function, java.util.function.BinaryOperator)} through the server. */
    static <R> int callEveryPage(ServerOption server, CommonOptions common, Operation<R> first,
                                 java.util.function.Function<R, String> nextCursor,
                                 java.util.function.Function<String, Operation<R>> next,
                                 java.util.function.BinaryOperator<R> join) {
        Render.result(common, everyPage(server.operations(), first, nextCursor, next, join));
        return 0;
    }

    private static <R> R everyPage(Operations operations, Operation<R> first, java.util.function.Function<R, String> nextCursor,
                                   java.util.function.Function<String, Operation<R>> next,
                                   java.util.function.BinaryOperator<R> join) {
        R all = operations.call(first);
        R page = all;
        while (nextCursor.apply(page) != null) {
            page = operations.call(next.apply(nextCursor.apply(page)));
            all = join.apply(all, page);
        }
        return all;
    }

    /** Through the server (commands that need one). */
    static int call(ServerOption server, CommonOptions common, Operation<?> operation) {
        Render.result(common, server.operations().call(operation));
        return 0;
    }
}
