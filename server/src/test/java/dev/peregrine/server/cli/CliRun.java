package dev.peregrine.server.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * One {@code peregrine} command line run in-process, as the launcher runs it ({@link PeregrineCli#commandLine()},
 * with every subcommand on the class path): its exit status and what it wrote to stdout and stderr. Shared with the
 * benchmarks module's command tests through the server test-jar.
 *
 * @param exit the exit status {@link CommandLine#execute} returned
 * @param out  everything written to the command's stdout
 * @param err  everything written to the command's stderr
 */
public record CliRun(int exit, String out, String err) {

    /** Runs {@code peregrine args...} and captures its exit status and output. */
    public static CliRun run(String... args) {
        CommandLine cl = PeregrineCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        int exit = cl.execute(args);
        // A command may leave print() output unflushed; capture all of it.
        outWriter.flush();
        errWriter.flush();
        return new CliRun(exit, out.toString(), err.toString());
    }
}
