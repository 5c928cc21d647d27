package dev.peregrine.server.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The registry of {@code peregrine} subcommands: the built-in ones (add a new built-in's instance here), then those
 * other modules contribute as {@link PeregrineSubcommand} services, in class-name order so that help output is
 * stable.
 */
final class Subcommands {
    private Subcommands() {
    }

    static List<Object> all() {
        List<Object> commands = new ArrayList<>(List.of(new ExportCommand(), new PredictCommand(), new ServeCommand(),
                new ValCommand()));
        List<PeregrineSubcommand> contributed = new ArrayList<>();
        ServiceLoader.load(PeregrineSubcommand.class).forEach(contributed::add);
        contributed.sort(Comparator.comparing(c -> c.getClass().getName()));
        commands.addAll(contributed);
        return commands;
    }
}
