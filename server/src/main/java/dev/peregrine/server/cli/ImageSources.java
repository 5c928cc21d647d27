package dev.peregrine.server.cli;

import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the {@code SOURCE} arguments of {@code peregrine predict} into image files: a file is taken as is, a
 * directory contributes its image files (by extension, not recursive, sorted by name), and an argument with glob
 * characters ({@code * ? [ {}}, quoted so that the shell leaves it alone) matches files under its fixed prefix.
 */
final class ImageSources {
    /** Extensions a directory or glob listing picks up. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp");

    private ImageSources() {
    }

    /**
     * The image files named by {@code sources}, in argument order (each directory or glob sorted by path).
     *
     * @throws PeregrineException NOT_FOUND for a path that does not exist, BAD_INPUT when nothing matches
     */
    static List<Path> expand(List<String> sources) throws PeregrineException {
        List<Path> out = new ArrayList<>();
        for (String s : sources) {
            if (isGlob(s)) {
                List<Path> matched = glob(s);
                if (matched.isEmpty()) {
                    throw PeregrineException.badInput("no image files match " + s);
                }
                out.addAll(matched);
                continue;
            }
            Path p = Path.of(s);
            if (Files.isDirectory(p)) {
                List<Path> listed = list(p, 1, null);
                if (listed.isEmpty()) {
                    throw PeregrineException.badInput("no image files (" + String.join(", ",
                            IMAGE_EXTENSIONS.stream().sorted().toList()) + ") in directory " + s);
                }
                out.addAll(listed);
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw PeregrineException.notFound("image source not found: " + s);
            }
        }
        return out;
    }

    static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
    }

    static boolean isImageName(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Files matching a glob: the segments before the first one with glob characters form the base directory. */
    private static List<Path> glob(String pattern) throws PeregrineException {
        String normalized = pattern.replace('\\', '/');
        String[] parts = normalized.split("/", -1);
        int first = 0;
        while (first < parts.length && !isGlob(parts[first])) {
            first++;
        }
        String baseText = String.join("/", Arrays.copyOfRange(parts, 0, first));
        Path base = first == 0 ? Path.of(".") : baseText.isEmpty() ? Path.of("/") : Path.of(baseText);
        if (!Files.isDirectory(base)) {
            throw PeregrineException.notFound("directory " + base + " of pattern " + pattern + " not found");
        }
        String rest = String.join("/", Arrays.copyOfRange(parts, first, parts.length));
        int depth = rest.contains("**") ? Integer.MAX_VALUE : parts.length - first;
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        return list(base, depth, matcher);
    }

    private static List<Path> list(Path dir, int depth, PathMatcher matcher) throws PeregrineException {
        try (Stream<Path> s = Files.walk(dir, depth)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> matcher == null ? isImageName(p) : matcher.matches(dir.relativize(p)))
                    .map(Path::normalize)
                    .sorted()
                    .toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw PeregrineException.badInput("cannot list " + dir + ": " + e.getMessage());
        }
    }
}
