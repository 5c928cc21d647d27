package dev.peregrine.engines.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A labelled evaluation set: class names and images with their ground truth.
 *
 * @param names       class names, index = class id
 * @param categoryIds COCO {@code category_id} of each class (index = class id); {@code class + 1} for YOLO sets,
 *                    the mapping Ultralytics uses when it writes COCO JSON for a non-COCO data set
 * @param images      images in a stable order (file order for YOLO sets, id order for COCO)
 */
public record EvalDataset(List<String> names, List<Long> categoryIds, List<EvalImage> images) {

    public EvalDataset {
        names = List.copyOf(names);
        categoryIds = List.copyOf(categoryIds);
        images = List.copyOf(images);
        if (categoryIds.size() != names.size()) {
            throw new IllegalArgumentException(names.size() + " names but " + categoryIds.size() + " category ids");
        }
    }

    /** A set whose COCO category ids are {@code class + 1}. */
    public EvalDataset(List<String> names, List<EvalImage> images) {
        this(names, defaultCategoryIds(names.size()), images);
    }

    private static List<Long> defaultCategoryIds(int n) {
        List<Long> ids = new java.util.ArrayList<>(n);
        for (long i = 1; i <= n; i++) {
            ids.add(i);
        }
        return ids;
    }

    /** The class index of COCO category {@code categoryId}, or -1 when the set has no such category. */
    public int classOfCategory(long categoryId) {
        return categoryIds.indexOf(categoryId);
    }

    /** Number of classes. */
    public int classCount() {
        return names.size();
    }

    /** Total number of labelled objects. */
    public int instanceCount() {
        return images.stream().mapToInt(i -> i.labels().size()).sum();
    }

    /** The image with key {@code id}. */
    public Optional<EvalImage> image(String id) {
        return images.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** Images by key, in set order. */
    public Map<String, EvalImage> byId() {
        Map<String, EvalImage> m = new LinkedHashMap<>();
        for (EvalImage i : images) {
            m.put(i.id(), i);
        }
        return m;
    }

    /** A subset: images {@code from} (inclusive) to {@code to} (exclusive) in set order. */
    public EvalDataset slice(int from, int to) {
        return new EvalDataset(names, categoryIds, images.subList(from, to));
    }
}
