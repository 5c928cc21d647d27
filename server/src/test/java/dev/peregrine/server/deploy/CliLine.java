package dev.peregrine.server.deploy;

import dev.peregrine.server.cli.PeregrineCli;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.util.List;

/**
 * A container's {@code peregrine} arguments parsed by the real command line ({@link PeregrineCli#commandLine()}):
 * parse only, nothing runs. Unknown options, bad values and missing parameters fail here exactly as they would when
 * the container starts.
 */
final class CliLine {
    private final List<String> args;
    private final ParseResult sub;

    private CliLine(List<String> args, ParseResult sub) {
        this.args = args;
        this.sub = sub;
    }

    /**
     * Parses {@code args} (the arguments after the jar: subcommand first).
     *
     * @throws AssertionError naming the arguments when picocli refuses them, or when they name no subcommand
     */
    static CliLine parse(String where, List<String> args) {
        ParseResult result;
        try {
            result = PeregrineCli.commandLine().parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new AssertionError(where + ": peregrine " + String.join(" ", args) + " does not parse: "
                    + e.getMessage(), e);
        }
        if (result.subcommand() == null) {
            throw new AssertionError(where + ": peregrine " + String.join(" ", args) + " names no subcommand");
        }
        return new CliLine(args, result.subcommand());
    }

    /** The subcommand ({@code serve}, {@code export}...). */
    String subcommand() {
        return sub.commandSpec().name();
    }

    /** The value of option {@code name} after parsing: the given value, else the option's default. */
    <T> T option(String name) {
        OptionSpec option = sub.commandSpec().findOption(name);
        if (option == null) {
            throw new AssertionError("peregrine " + subcommand() + " has no option " + name);
        }
        return option.getValue();
    }

    /** Whether option {@code name} was given. */
    boolean has(String name) {
        return sub.hasMatchedOption(name);
    }

    /** The positional parameters given (e.g. export's model file). */
    List<String> positionals() {
        return sub.matchedPositionals().stream().map(p -> String.valueOf((Object) p.getValue())).toList();
    }

    /** The arguments as given. */
    List<String> args() {
        return args;
    }

    @Override
    public String toString() {
        return "peregrine " + String.join(" ", args);
    }
}
