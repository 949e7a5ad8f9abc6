package coffer.cli;

import coffer.engine.operation.Operation;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/**
 * A command that asks the server one query with no options of its own ({@code coffer region list},
 * {@code coffer reclaim list}, {@code coffer capacity}, {@code coffer export list}): the server's options and the
 * output format, the query, and its result rendered ({@link Operate#call(ServerOption, CommonOptions, Operation)}).
 * A subclass names its query and carries its {@code @Command}. Not thread-safe (picocli fills it, one run).
 */
abstract class ServerQuery implements Callable<Integer> {
    @Mixin CommonOptions common;
    @Mixin ServerOption server;

    /** The query this command asks. */
    abstract Operation<?> query();

    @Override
    public final Integer call() {
        return Operate.call(server, common, query());
    }
}
