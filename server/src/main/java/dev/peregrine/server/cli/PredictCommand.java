package dev.peregrine.server.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Task;
import dev.peregrine.engines.image.ModelInputImage;
import dev.peregrine.server.model.ModelArtifact;
import dev.peregrine.server.model.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine predict}: runs a YOLO model (detect, segment, pose, OBB or classify; resolved like {@code serve}
 * resolves it, {@link ModelFiles}) over images and prints
 * one line per image ({@code bus.jpg 810x1080: 4 person, 1 bus (12.3 ms)}; for classifiers the top-5 classes),
 * optionally writing all results as JSON (with masks, keypoints, rotated boxes or top-5 classes) and annotated JPEGs.
 * Output files appear only when the whole run succeeds ({@link StagedOutputs}).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Run a YOLO model (.onnx, .pt or .engine; detect, segment, pose, obb, classify) on images "
                + "(Ultralytics predict semantics).")
public final class PredictCommand implements Callable<Integer> {
    /** Above this many images a progress bar goes to stderr. */
    static final int PROGRESS_THRESHOLD = 5;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "M.onnx|M.pt|M.engine", description = "ONNX model "
            + "exported by Ultralytics or by peregrine export, an Ultralytics checkpoint (exported to ONNX once and "
            + "cached, as serve does) or a TensorRT engine (--device cuda:N).")
    Path model;

    @Option(names = "--imgsz", paramLabel = "SIZE|H,W", description = "Expected model input size; must match the "
            + "model's (default: the model's own).")
    String imgsz;

    @Mixin
    DetectThresholds thresholds = new DetectThresholds(DetectOptions.defaults());

    @Option(names = "--classes", split = ",", paramLabel = "ID", description = "Keep only these class ids, "
            + "e.g. 0,2.")
    int[] classes;

    @Option(names = "--agnostic", description = "Class-agnostic NMS.")
    boolean agnostic;

    @Mixin
    EngineRunOptions runOptions = new EngineRunOptions();

    @Mixin
    CpuUint8Option cpuUint8 = new CpuUint8Option();

    @Option(names = "--json", paramLabel = "FILE", description = "Write all detections to this JSON file.")
    Path json;

    @Option(names = "--save", paramLabel = "DIR", description = "Write annotated JPEGs into this directory.")
    Path save;

    @Parameters(arity = "1..*", paramLabel = "SOURCE", description = "Image files, directories or quoted globs.")
    List<String> sources;

    @Override
    public Integer call() throws PeregrineException {
        DetectOptions options = thresholds.options(classes, agnostic, false);
        int batch = runOptions.batch();
        List<Path> images = ImageSources.expand(sources);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ModelArtifact artifact = runnableModel(err);
        try (PredictModel predictor = PredictModel.open(runOptions.config(artifact.file()), options)) {
            ModelInfo info = predictor.info();
            ImageSize.requireModelSize(imgsz, info, model);
            predictor.warmUp(); // so that the first image's time is not the library start-up
            try (StagedOutputs outputs = new StagedOutputs(json, save)) {
                Totals totals = run(predictor, images, batch, outputs, out, err);
                outputs.commit();
                boolean classify = info.task() == Task.CLASSIFY;
                out.println(String.format(Locale.ROOT, "Speed: %.1f ms decode+%s, %.1f ms inference+%s per "
                        + "image at %dx%d (%s); %d image%s%s", totals.prepareMs() / images.size(),
                        classify ? "resize+crop" : "letterbox", totals.detectMs() / images.size(),
                        classify ? "softmax top-5" : "NMS", info.inputWidth(), info.inputHeight(),
                        predictor.engineDescription(), images.size(), images.size() == 1 ? "" : "s",
                        classify ? "" : ", " + totals.detections() + (totals.detections() == 1 ? " detection"
                                : " detections")));
                if (json != null) {
                    out.println((classify ? "Classes" : "Detections") + " written to " + json);
                }
                if (save != null) {
                    out.println("Annotated images saved to " + save);
                }
                out.flush();
            }
        }
        return 0;
    }

    /**
     * The file to run for {@code --model}, resolved as {@code serve} does ({@link ModelFiles}): a checkpoint's
     * cached export, an INT8 model's uint8-activation form on the CPU, else the file itself. A derivation is said
     * on stderr (the export or conversion itself logs its progress, or that the cached file is used).
     */
    private ModelArtifact runnableModel(PrintWriter err) throws PeregrineException {
        ModelArtifact artifact = ModelFiles.standard(cpuUint8.enabled())
                .resolve(model, runOptions.device(), runOptions.batch());
        if (artifact.derived()) {
            err.println("running " + artifact.describe());
            err.flush();
        }
        return artifact;
    }

    /** Accumulated timings and counts. */
    private record Totals(double prepareMs, double detectMs, long detections) {
    }

    private Totals run(PredictModel predictor, List<Path> images, int batch, StagedOutputs outputs,
            PrintWriter out, PrintWriter err) throws PeregrineException {
        ModelInfo info = predictor.info();
        PredictProgress progress = images.size() > PROGRESS_THRESHOLD ? new PredictProgress(err, images.size(),
                System.console() != null) : null;
        double prepareMs = 0;
        double detectMs = 0;
        long detections = 0;
        try (JsonGenerator jg = jsonWriter(outputs)) {
            if (jg != null) {
                jg.writeStartObject();
                jg.writeStringField("model", model.toString());
                jg.writeArrayFieldStart("imgsz");
                jg.writeNumber(info.inputHeight());
                jg.writeNumber(info.inputWidth());
                jg.writeEndArray();
                jg.writeStringField("task", info.task().ultralyticsName());
                jg.writeNumberField("conf", thresholds.conf());
                jg.writeNumberField("iou", thresholds.iou());
                jg.writeArrayFieldStart("images");
            }
            for (int start = 0; start < images.size(); start += batch) {
                List<Path> chunk = images.subList(start, Math.min(images.size(), start + batch));
                List<ModelInputImage> prepared = new ArrayList<>(chunk.size());
                List<byte[]> encoded = new ArrayList<>(chunk.size());
                double[] perImageMs = new double[chunk.size()];
                try {
                    for (int i = 0; i < chunk.size(); i++) {
                        long t0 = System.nanoTime();
                        byte[] bytes = read(chunk.get(i));
                        prepared.add(prepare(predictor, chunk.get(i), bytes));
                        perImageMs[i] = (System.nanoTime() - t0) / 1e6;
                        prepareMs += perImageMs[i];
                        encoded.add(bytes);
                    }
                    long t0 = System.nanoTime();
                    List<ImagePrediction> results = predictor.predict(prepared);
                    double chunkMs = (System.nanoTime() - t0) / 1e6;
                    detectMs += chunkMs;
                    for (int i = 0; i < chunk.size(); i++) {
                        Path file = chunk.get(i);
                        ModelInputImage img = prepared.get(i);
                        ImagePrediction result = results.get(i);
                        detections += result.objects();
                        if (progress != null) {
                            progress.clear();
                        }
                        out.println(summaryLine(file, img.originalWidth(), img.originalHeight(), result.summary(info),
                                perImageMs[i] + chunkMs / chunk.size()));
                        out.flush();
                        if (jg != null) {
                            writeImage(jg, file, img.originalWidth(), img.originalHeight(), result, info);
                        }
                        if (outputs.saving()) {
                            outputs.saveImage(file, annotate(file, encoded.get(i), result, info));
                        }
                        if (progress != null) {
                            progress.advance(1);
                        }
                    }
                } finally {
                    prepared.forEach(ModelInputImage::close);
                }
            }
            if (progress != null) {
                progress.finish();
            }
            if (jg != null) {
                jg.writeEndArray();
                jg.writeEndObject();
            }
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot write " + json + ": " + e.getMessage());
        }
        return new Totals(prepareMs, detectMs, detections);
    }

    private static byte[] read(Path file) throws PeregrineException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot read image " + file + ": " + e.getMessage());
        }
    }

    private static ModelInputImage prepare(PredictModel predictor, Path file, byte[] bytes)
            throws PeregrineException {
        try {
            return predictor.prepare(bytes);
        } catch (PeregrineException e) {
            throw new PeregrineException(e.code(), file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] annotate(Path file, byte[] encoded, ImagePrediction result, ModelInfo info)
            throws PeregrineException {
        try {
            return result.annotate(encoded, info);
        } catch (PeregrineException e) {
            throw new PeregrineException(e.code(), file + ": cannot annotate: " + e.getMessage(), e);
        }
    }

    /** {@code bus.jpg 810x1080: 4 person, 1 bus (12.3 ms)}, classes in id order. */
    static String summaryLine(Path file, int width, int height, List<Detection> dets, ModelInfo info, double ms) {
        return summaryLine(file, width, height, new ImagePrediction.Detections(dets).summary(info), ms);
    }

    /** {@code bus.jpg 810x1080: <result> (12.3 ms)}. */
    static String summaryLine(Path file, int width, int height, String result, double ms) {
        return file.getFileName() + " " + width + "x" + height + ": " + result
                + String.format(Locale.ROOT, " (%.1f ms)", ms);
    }

    private JsonGenerator jsonWriter(StagedOutputs outputs) throws IOException {
        if (outputs.jsonTemp() == null) {
            return null;
        }
        JsonGenerator jg = new JsonFactory().createGenerator(outputs.jsonTemp().toFile(), JsonEncoding.UTF8);
        jg.useDefaultPrettyPrinter();
        return jg;
    }

    private static void writeImage(JsonGenerator jg, Path file, int width, int height, ImagePrediction result,
            ModelInfo info) throws IOException {
        jg.writeStartObject();
        jg.writeStringField("file", file.toString());
        jg.writeNumberField("width", width);
        jg.writeNumberField("height", height);
        result.writeJson(jg, info);
        jg.writeEndObject();
    }
}
