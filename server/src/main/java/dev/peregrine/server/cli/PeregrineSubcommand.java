package dev.peregrine.server.cli;

/**
 * Marker for a {@code peregrine} subcommand that another module contributes (for example {@code bench} and
 * {@code loadgen} from the benchmarks module, which depends on the server and so cannot be named here).
 *
 * <p>An implementation is a picocli {@code @Command} class with a public no-argument constructor, listed in
 * {@code META-INF/services/dev.peregrine.server.cli.PeregrineSubcommand}. {@link Subcommands#all()} finds it with
 * {@link java.util.ServiceLoader} when its jar is on the class path; without the jar the CLI simply lacks it.
 */
public interface PeregrineSubcommand {
}
