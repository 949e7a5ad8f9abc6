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

    /** Through the server (commands that need one). */
    static int call(ServerOption server, CommonOptions common, Operation<?> operation) {
        Render.result(common, server.operations().call(operation));
        return 0;
    }
}
