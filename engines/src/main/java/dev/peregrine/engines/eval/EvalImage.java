package dev.peregrine.engines.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One image of an evaluation set and its labels.
 *
 * @param id     image key: the COCO {@code image_id} as text, or the file stem of a YOLO image
 * @param file   the image file, or null when the set was read from COCO JSON without an image folder
 * @param width  original width in pixels
 * @param height original height in pixels
 * @param labels labelled objects in original-image pixels
 */
public record EvalImage(String id, Path file, int width, int height, List<GroundTruth> labels) {

    public EvalImage {
        Objects.requireNonNull(id, "id");
        labels = List.copyOf(labels);
    }

    /**
     * The COCO {@code image_id} Ultralytics writes for this image: the number when the key is numeric, else null
     * (Ultralytics then writes the stem as a string).
     */
    public Long numericId() {
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
