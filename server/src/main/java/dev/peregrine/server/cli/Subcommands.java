package dev.peregrine.server.cli;

import java.util.List;

/** The registry of {@code peregrine} subcommands. Add a new subcommand's instance here. */
final class Subcommands {
    private Subcommands() {
    }

    static List<Object> all() {
        return List.of(new ExportCommand(), new PredictCommand(), new ServeCommand());
    }
}
