package dev.peregrine.server.cli;

import dev.peregrine.engines.PeregrineException;
import picocli.CommandLine;

/**
 * Turns exceptions from subcommands into one clear line on stderr and a non-zero exit code, instead of a stack
 * trace. {@link PeregrineException}s are expected failures (bad input, missing file); anything else is a bug and
 * keeps its stack trace.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler {
    /** Exit code for expected failures (bad input, missing files, unsupported models). */
    static final int EXIT_FAILURE = 2;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (ex instanceof PeregrineException pe) {
            cmd.getErr().println("error: " + pe.getMessage());
            return EXIT_FAILURE;
        }
        cmd.getErr().println("internal error: " + ex);
        ex.printStackTrace(cmd.getErr());
        return 1;
    }
}
