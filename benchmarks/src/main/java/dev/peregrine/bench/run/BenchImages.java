package dev.peregrine.bench.run;

import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images a benchmark cycles through: a single file, or the image files under a directory (recursively, in
 * path order, so that a labelled data set's {@code images/val} is found from its root), read into memory once.
 */
public final class BenchImages {
    /** File extensions read as images. */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp");

    private BenchImages() {
    }

    /**
     * Reads at most {@code max} images from {@code source}.
     *
     * @throws PeregrineException NOT_FOUND when the source does not exist, BAD_INPUT when it holds no image
     */
    public static List<EncodedImage> load(Path source, int max) throws PeregrineException {
        if (max < 1) {
            throw new IllegalArgumentException("max must be >= 1, got " + max);
        }
        if (!Files.exists(source)) {
            throw PeregrineException.notFound("image source not found: " + source);
        }
        List<Path> files = files(source);
        if (files.isEmpty()) {
            throw PeregrineException.badInput("no image files (" + String.join(", ", EXTENSIONS.stream().sorted()
                    .toList()) + ") under " + source);
        }
        List<EncodedImage> out = new ArrayList<>();
        for (Path f : files.subList(0, Math.min(max, files.size()))) {
            try {
                out.add(new EncodedImage(f.getFileName().toString(), Files.readAllBytes(f)));
            } catch (IOException e) {
                throw PeregrineException.badInput("cannot read image " + f + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** The image files of {@code source}, sorted by path. */
    public static List<Path> files(Path source) throws PeregrineException {
        if (Files.isRegularFile(source)) {
            return List.of(source);
        }
        try (Stream<Path> s = Files.walk(source)) {
            return s.filter(Files::isRegularFile).filter(BenchImages::isImage).sorted().toList();
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot list " + source + ": " + e.getMessage());
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1));
    }
}
