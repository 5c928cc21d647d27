package dev.peregrine.exporter.precision;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.eval.YoloDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where INT8 calibration images come from: a folder (searched recursively), a text file listing image paths
 * (relative to the file), or an Ultralytics data YAML (its {@code train} split when present on disk, else its
 * {@code val} split, with a warning: calibrating on validation images flatters validation figures). Only paths are
 * held; images are decoded one at a time while calibrating.
 */
public final class CalibrationSource {
    private static final Logger LOG = LoggerFactory.getLogger(CalibrationSource.class);
    private final String description;
    private final List<Path> images;

    private CalibrationSource(String description, List<Path> images) {
        this.description = description;
        this.images = List.copyOf(images);
    }

    /**
     * Resolves a source path.
     *
     * @throws PeregrineException NOT_FOUND for a missing path, BAD_INPUT when it holds no images
     */
    public static CalibrationSource of(Path source) throws PeregrineException {
        if (!Files.exists(source)) {
            throw PeregrineException.notFound("calibration source not found: " + source);
        }
        String name = source.getFileName() == null ? "" : source.getFileName().toString().toLowerCase(Locale.ROOT);
        List<Path> images;
        String what = source.toString();
        if (Files.isRegularFile(source) && (name.endsWith(".yaml") || name.endsWith(".yml"))) {
            Optional<List<Path>> train = YoloDataset.splitImages(source, "train");
            if (train.isPresent() && !train.get().isEmpty()) {
                images = train.get();
                what = source + " (train split)";
            } else {
                images = YoloDataset.splitImages(source, "val").orElse(List.of());
                what = source + " (val split: no train split on disk)";
                LOG.warn("{} has no train images on disk: calibrating on the validation split, so validation "
                        + "figures of the INT8 model are optimistic", source);
            }
        } else if (Files.isDirectory(source) || name.endsWith(".txt")) {
            images = YoloDataset.imagesIn(source);
        } else {
            throw PeregrineException.badInput("calibration source " + source
                    + " must be an image folder, a .txt list of images or a data YAML");
        }
        if (images.isEmpty()) {
            throw PeregrineException.badInput("calibration source " + source + " contains no images (jpg, jpeg, png, "
                    + "bmp, webp)");
        }
        return new CalibrationSource(what, images);
    }

    /** A source of these image files. */
    public static CalibrationSource ofImages(String description, List<Path> images) throws PeregrineException {
        if (images.isEmpty()) {
            throw PeregrineException.badInput("calibration source " + description + " contains no images");
        }
        return new CalibrationSource(description, images);
    }

    /** What the source is, for logs. */
    public String description() {
        return description;
    }

    /** Every image of the source. */
    public List<Path> images() {
        return images;
    }

    /** {@code n} images spread evenly over the source (all of them when it has no more). */
    public List<Path> sample(int n) {
        if (n >= images.size()) {
            return images;
        }
        List<Path> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(images.get((int) ((long) i * images.size() / n)));
        }
        return out;
    }
}
