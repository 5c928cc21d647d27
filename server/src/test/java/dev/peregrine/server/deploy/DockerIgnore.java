package dev.peregrine.server.deploy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code .dockerignore} file, applied the way Docker applies it: patterns are matched against paths relative to the
 * build context, a pattern that matches a folder also matches everything under it, {@code !} re-includes, and the
 * last matching line decides. Patterns are Go {@code filepath.Match} globs plus {@code **}; Java's glob syntax
 * agrees with them for the patterns our files use ({@code *}, {@code **}, literal names).
 */
final class DockerIgnore {
    /** One line: a glob and whether it re-includes. */
    private record Rule(PathMatcher matcher, boolean include, String text) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = rules;
    }

    /** Reads {@code file}. */
    static DockerIgnore read(Path file) throws IOException {
        List<Rule> rules = new ArrayList<>();
        for (String raw : Files.readAllLines(file)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean include = line.startsWith("!");
            String pattern = (include ? line.substring(1) : line).strip();
            // Docker cleans patterns (filepath.Clean): no leading "/" or "./", no trailing "/".
            while (pattern.startsWith("/") || pattern.startsWith("./")) {
                pattern = pattern.substring(pattern.startsWith("/") ? 1 : 2);
            }
            while (pattern.endsWith("/")) {
                pattern = pattern.substring(0, pattern.length() - 1);
            }
            rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + pattern), include, line));
            if (pattern.startsWith("**/")) {
                // Docker's "**" also matches zero folders, Java's "**/" needs one: add the top-level case.
                rules.add(new Rule(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)), include,
                        line));
            }
        }
        return new DockerIgnore(List.copyOf(rules));
    }

    /**
     * Whether {@code relative} (a path inside the context, {@code /}-separated, no leading slash) is sent to the
     * builder.
     */
    boolean includes(String relative) {
        boolean included = true;
        for (Rule rule : rules) {
            if (matchesItselfOrAParent(rule.matcher(), relative)) {
                included = rule.include();
            }
        }
        return included;
    }

    private static boolean matchesItselfOrAParent(PathMatcher matcher, String relative) {
        Path p = Path.of(relative);
        for (int n = p.getNameCount(); n >= 1; n--) {
            if (matcher.matches(p.subpath(0, n))) {
                return true;
            }
        }
        return false;
    }
}
