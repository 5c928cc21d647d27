package dev.peregrine.engines.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a labelled set in Ultralytics' YOLO layout: images under {@code .../images/...} and one text file per
 * image under the matching {@code .../labels/...} path, each line {@code class cx cy w h} normalised to 0..1
 * (or {@code class x1 y1 x2 y2 ...} polygons, reduced to their bounding box as Ultralytics does). An image
 * without a label file is a background image. Image sizes come from the file headers.
 *
 * <p>Accepted sources: an Ultralytics {@code data.yaml} (its {@code val} split, resolved against {@code path},
 * or against the YAML's folder when {@code path} is absent or relative), a folder holding such a YAML, a data set
 * root with {@code images/val}, or an image folder.
 */
public final class YoloDataset {
    private static final Logger LOG = LoggerFactory.getLogger(YoloDataset.class);
    /** Image formats Peregrine decodes. */
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "webp");

    private YoloDataset() {
    }

    /** Reads the validation split of {@code source}, with image sizes from {@link ImageSizeReader#headers()}. */
    public static EvalDataset read(Path source, List<String> fallbackNames) throws PeregrineException {
        return read(source, fallbackNames, ImageSizeReader.headers());
    }

    /**
     * Reads the validation split of {@code source}.
     *
     * @param source        a data YAML, a folder with one, a data set root or an image folder
     * @param fallbackNames class names to use when the source has no YAML (e.g. the model's names), or null
     * @param sizes         reads image sizes from headers
     * @throws PeregrineException NOT_FOUND for a missing source, BAD_INPUT for no images, malformed YAML or label
     *                            lines, or class ids outside the names
     */
    public static EvalDataset read(Path source, List<String> fallbackNames, ImageSizeReader sizes)
            throws PeregrineException {
        if (!Files.exists(source)) {
            throw PeregrineException.notFound("data set not found: " + source);
        }
        Path yaml = findYaml(source);
        List<Path> imageRoots;
        List<String> names;
        if (yaml != null) {
            JsonNode doc = readYaml(yaml);
            names = names(doc, yaml);
            imageRoots = splitFolders(doc, yaml, "val");
        } else {
            names = fallbackNames;
            Path valImages = source.resolve("images").resolve("val");
            imageRoots = List.of(Files.isDirectory(valImages) ? valImages : source);
        }
        if (names == null || names.isEmpty()) {
            throw PeregrineException.badInput(source + " has no data YAML with class names and none were given");
        }
        List<Path> files = new ArrayList<>();
        for (Path root : imageRoots) {
            files.addAll(listImages(root));
        }
        if (files.isEmpty()) {
            throw PeregrineException.badInput("no images (" + String.join(", ", IMAGE_EXTENSIONS) + ") found in "
                    + imageRoots);
        }
        List<EvalImage> images = new ArrayList<>(files.size());
        for (Path f : files) {
            int[] wh = sizes.size(f);
            images.add(new EvalImage(stem(f), f, wh[0], wh[1], readLabels(labelPath(f), wh[0], wh[1], names.size())));
        }
        return new EvalDataset(names, images);
    }

    /**
     * The image files of one split ({@code train}, {@code val}, ...) of a data YAML, or empty when the YAML has no
     * such split or its folder does not exist (the shipped fixture has no train images, for example).
     *
     * @throws PeregrineException BAD_INPUT for an unreadable YAML
     */
    public static java.util.Optional<List<Path>> splitImages(Path yaml, String split) throws PeregrineException {
        JsonNode doc = readYaml(yaml);
        if (!doc.hasNonNull(split)) {
            return java.util.Optional.empty();
        }
        List<Path> files = new ArrayList<>();
        try {
            for (Path root : splitFolders(doc, yaml, split)) {
                files.addAll(listImages(root));
            }
        } catch (PeregrineException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return java.util.Optional.empty();
            }
            throw e;
        }
        return java.util.Optional.of(files);
    }

    /** All image files under a folder (recursively, sorted) or listed in a .txt file. */
    public static List<Path> imagesIn(Path folderOrList) throws PeregrineException {
        return listImages(folderOrList);
    }

    /** Ultralytics' {@code img2label_paths}: the last {@code /images/} becomes {@code /labels/}, extension .txt. */
    static Path labelPath(Path image) {
        String s = image.toAbsolutePath().toString();
        String sa = File.separator + "images" + File.separator;
        String sb = File.separator + "labels" + File.separator;
        int i = s.lastIndexOf(sa);
        if (i >= 0) {
            s = s.substring(0, i) + sb + s.substring(i + sa.length());
        }
        int dot = s.lastIndexOf('.');
        return Path.of(s.substring(0, dot) + ".txt");
    }

    private static Path findYaml(Path source) throws PeregrineException {
        if (Files.isRegularFile(source)) {
            String n = source.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".yaml") || n.endsWith(".yml")) {
                return source;
            }
            throw PeregrineException.badInput(source + " is neither a data YAML nor a folder");
        }
        for (String n : List.of("data.yaml", "data.yml")) {
            if (Files.isRegularFile(source.resolve(n))) {
                return source.resolve(n);
            }
        }
        return null;
    }

    private static JsonNode readYaml(Path yaml) throws PeregrineException {
        try {
            JsonNode n = new ObjectMapper(new YAMLFactory()).readTree(yaml.toFile());
            if (n == null || !n.isObject()) {
                throw PeregrineException.badInput(yaml + " is not a data YAML mapping");
            }
            return n;
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, yaml + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    /** {@code names} as a list or an index map; {@code nc} alone gives {@code class0..}. */
    private static List<String> names(JsonNode doc, Path yaml) throws PeregrineException {
        JsonNode n = doc.get("names");
        List<String> names = new ArrayList<>();
        if (n != null && n.isArray()) {
            n.forEach(v -> names.add(v.asText()));
        } else if (n != null && n.isObject()) {
            Map<Integer, String> byIndex = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                try {
                    byIndex.put(Integer.parseInt(e.getKey().trim()), e.getValue().asText());
                } catch (NumberFormatException ex) {
                    throw PeregrineException.badInput(yaml + ": names key '" + e.getKey() + "' is not a class index");
                }
            }
            int expect = 0;
            for (Map.Entry<Integer, String> e : byIndex.entrySet()) {
                if (e.getKey() != expect++) {
                    throw PeregrineException.badInput(yaml + ": class indices in names must be 0.." + (byIndex.size() - 1));
                }
                names.add(e.getValue());
            }
        } else if (doc.has("nc")) {
            for (int i = 0; i < doc.get("nc").asInt(); i++) {
                names.add("class" + i);
            }
        }
        if (doc.has("nc") && doc.get("nc").asInt() != names.size()) {
            throw PeregrineException.badInput(yaml + ": nc is " + doc.get("nc").asInt() + " but " + names.size()
                    + " names are listed");
        }
        return names;
    }

    private static List<Path> splitFolders(JsonNode doc, Path yaml, String split) throws PeregrineException {
        Path base = yaml.toAbsolutePath().getParent();
        if (doc.hasNonNull("path")) {
            base = base.resolve(doc.get("path").asText());
        }
        JsonNode s = doc.get(split);
        if (s == null || s.isNull()) {
            throw PeregrineException.badInput(yaml + " has no '" + split + "' split");
        }
        List<Path> roots = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        if (s.isArray()) {
            s.forEach(v -> entries.add(v.asText()));
        } else {
            entries.add(s.asText());
        }
        for (String e : entries) {
            Path p = base.resolve(e);
            if (!Files.exists(p)) {
                throw PeregrineException.notFound(yaml + ": " + split + " path " + p + " does not exist");
            }
            roots.add(p);
        }
        return roots;
    }

    /** Image files of a folder (recursively, sorted), or the files listed in a .txt image list. */
    private static List<Path> listImages(Path root) throws PeregrineException {
        try {
            if (Files.isRegularFile(root)) {
                List<Path> out = new ArrayList<>();
                for (String line : Files.readAllLines(root, StandardCharsets.UTF_8)) {
                    String t = line.trim();
                    if (!t.isEmpty()) {
                        Path p = root.getParent().resolve(t).normalize();
                        if (isImage(p)) {
                            out.add(p);
                        }
                    }
                }
                return out;
            }
            try (Stream<Path> s = Files.walk(root)) {
                return s.filter(Files::isRegularFile).filter(YoloDataset::isImage).sorted().toList();
            }
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot list images in " + root + ": " + e.getMessage(), e);
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /** Parses one label file into pixel boxes; duplicate lines are dropped as Ultralytics does. */
    static List<GroundTruth> readLabels(Path file, int width, int height, int classCount) throws PeregrineException {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "cannot read " + file + ": " + e.getMessage(), e);
        }
        Set<List<Double>> seen = new LinkedHashSet<>();
        List<GroundTruth> out = new ArrayList<>();
        int duplicates = 0;
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            String t = line.trim();
            if (t.isEmpty()) {
                continue;
            }
            String[] parts = t.split("\\s+");
            double[] v = new double[parts.length];
            try {
                for (int i = 0; i < parts.length; i++) {
                    v[i] = Double.parseDouble(parts[i]);
                }
            } catch (NumberFormatException e) {
                throw PeregrineException.badInput(file + ":" + lineNo + ": not a number in '" + t + "'");
            }
            double cx;
            double cy;
            double w;
            double h;
            if (v.length == 5) {
                cx = v[1];
                cy = v[2];
                w = v[3];
                h = v[4];
            } else if (v.length >= 7 && v.length % 2 == 1) {
                // a polygon: its bounding box (Ultralytics' segments2boxes)
                double minX = Double.MAX_VALUE;
                double minY = Double.MAX_VALUE;
                double maxX = -Double.MAX_VALUE;
                double maxY = -Double.MAX_VALUE;
                for (int i = 1; i < v.length; i += 2) {
                    minX = Math.min(minX, v[i]);
                    maxX = Math.max(maxX, v[i]);
                    minY = Math.min(minY, v[i + 1]);
                    maxY = Math.max(maxY, v[i + 1]);
                }
                cx = (minX + maxX) / 2;
                cy = (minY + maxY) / 2;
                w = maxX - minX;
                h = maxY - minY;
            } else {
                throw PeregrineException.badInput(file + ":" + lineNo + ": expected 'class cx cy w h', got " + v.length
                        + " values");
            }
            int cls = (int) v[0];
            if (cls != v[0] || cls < 0 || cls >= classCount) {
                throw PeregrineException.badInput(file + ":" + lineNo + ": class " + parts[0] + " is not in 0.."
                        + (classCount - 1));
            }
            if (w < 0 || h < 0 || cx < 0 || cy < 0 || cx > 1 || cy > 1 || w > 1 || h > 1) {
                throw PeregrineException.badInput(file + ":" + lineNo + ": coordinates must be normalised to 0..1");
            }
            if (!seen.add(List.of(v[0], cx, cy, w, h))) {
                duplicates++;
                continue;
            }
            out.add(GroundTruth.box(cls, (cx - w / 2) * width, (cy - h / 2) * height, (cx + w / 2) * width,
                    (cy + h / 2) * height));
        }
        if (duplicates > 0) {
            LOG.warn("{}: {} duplicate labels removed", file, duplicates);
        }
        return out;
    }
}
