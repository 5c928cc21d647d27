package dev.peregrine.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code peregrine} command line. Subcommands are registered in {@link #commandLine()}; each lives in its own
 * class in this package.
 */
@Command(name = "peregrine", mixinStandardHelpOptions = true, version = "peregrine 0.1.0",
        description = "Deploy Ultralytics YOLO models from Java: export, predict, serve, benchmark.")
public final class PeregrineCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Builds the command line with every subcommand registered. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PeregrineCli());
        for (Object sub : Subcommands.all()) {
            cl.addSubcommand(sub);
        }
        cl.setExecutionExceptionHandler(new CliErrors());
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
