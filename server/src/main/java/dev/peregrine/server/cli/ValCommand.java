package dev.peregrine.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.eval.CocoJson;
import dev.peregrine.engines.eval.DetectorValidator;
import dev.peregrine.engines.eval.EvalDataset;
import dev.peregrine.engines.eval.EvalReport;
import dev.peregrine.engines.eval.EvalReportJson;
import dev.peregrine.engines.eval.MetricsTable;
import dev.peregrine.engines.eval.YoloDataset;
import dev.peregrine.engines.pipeline.YoloDetector;
import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.ProgressListener;
import dev.peregrine.server.model.ModelArtifact;
import dev.peregrine.server.model.ModelFiles;
import dev.peregrine.server.model.ModelFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code peregrine val}: measures a detector's accuracy on a labelled YOLO-format data set the way Ultralytics
 * {@code val} does (conf 0.001, IoU 0.7, multi-label NMS, max_det 300), and prints Ultralytics' per-class table;
 * optionally pycocotools-style figures, a metrics JSON and COCO results JSON. The model is resolved as {@code serve}
 * and {@code predict} resolve it ({@link ModelFiles}), so that what is measured is what would be served: a
 * {@code .pt} checkpoint runs as its cached export (at another {@code --imgsz}, as a temporary export of that size),
 * an INT8 model with int8 activations in its uint8-activation form on the CPU (unless
 * {@code --no-cpu-uint8-activations}).
 */
@Command(name = "val", mixinStandardHelpOptions = true,
        description = "Measure mAP of a YOLO model on a labelled data set (Ultralytics val semantics).")
public final class ValCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "M.onnx|M.pt",
            description = "ONNX model, or an Ultralytics checkpoint (exported to ONNX on the fly).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|DATA.yaml",
            description = "Ultralytics data YAML (its val split), a data set root with images/val, or an image "
                    + "folder with a sibling labels folder.")
    Path data;

    @Option(names = "--imgsz", paramLabel = "SIZE|H,W", description = "Input size: must match an ONNX model; "
            + "the export size for a .pt (default: the model's own).")
    String imgsz;

    @Mixin
    EngineRunOptions runOptions = new EngineRunOptions();

    @Mixin
    CpuUint8Option cpuUint8 = new CpuUint8Option();

    @Mixin
    DetectThresholds thresholds = new DetectThresholds(DetectOptions.validation());

    @Option(names = "--coco", description = "Also print pycocotools-style figures (AP@[.5:.95], AP50, AP75, "
            + "small/medium/large, AR100).")
    boolean coco;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the metrics (Ultralytics and COCO style, "
            + "per class, speed) to this JSON file.")
    Path json;

    @Option(names = "--save-predictions", paramLabel = "FILE", description = "Write the predictions as a COCO "
            + "results JSON (Ultralytics' save_json format).")
    Path savePredictions;

    @Override
    public Integer call() throws PeregrineException {
        DetectOptions options = thresholds.options(null, false, true);
        int batch = runOptions.batch();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path exported = null;
        try {
            ModelArtifact artifact;
            boolean checkpoint = ModelFormat.of(model) == ModelFormat.PT;
            if (checkpoint && imgsz != null) { // the export cache holds the checkpoint's own size only
                exported = Files.createTempDirectory("peregrine-val");
                artifact = new ModelArtifact(model, exportCheckpoint(exported.resolve("model.onnx"), out),
                        ModelArtifact.Derivation.EXPORTED);
            } else {
                artifact = ModelFiles.standard(cpuUint8.enabled()).resolve(model, runOptions.device(),
                        runOptions.batch());
            }
            if (artifact.derived()) {
                err.println("running " + artifact.describe());
                err.flush();
            }
            try (YoloDetector detector = YoloDetector.open(runOptions.config(artifact.file()))) {
                ModelInfo info = detector.info();
                if (!checkpoint) { // an exported checkpoint has the asked size by construction
                    ImageSize.requireModelSize(imgsz, info, model);
                }
                EvalDataset dataset = YoloDataset.read(data, info.names());
                checkClasses(info, dataset, err);
                out.printf(Locale.ROOT, "val: %d images, %d instances, %d classes from %s%n",
                        dataset.images().size(), dataset.instanceCount(), dataset.classCount(), data);
                out.flush();
                detector.warmUp();
                PredictProgress progress = new PredictProgress(err, dataset.images().size(), System.console() != null);
                DetectorValidator.Result r = DetectorValidator.run(detector, dataset, options, batch,
                        progress::advance);
                progress.finish();
                report(r, dataset, info, detector.engineDescription(), artifact, out);
            }
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot create a temporary folder: " + e.getMessage());
        } finally {
            deleteQuietly(exported);
        }
        return 0;
    }

    private void report(DetectorValidator.Result r, EvalDataset dataset, ModelInfo info, String engine,
                        ModelArtifact artifact, PrintWriter out) throws PeregrineException {
        EvalReport report = r.report();
        int n = Math.max(1, report.images());
        out.print(MetricsTable.ultralytics(report));
        out.printf(Locale.ROOT, "Speed: %.1f ms decode+letterbox, %.1f ms inference+NMS per image at %dx%d (%s)%n",
                r.prepareMs() / n, r.detectMs() / n, info.inputWidth(), info.inputHeight(), engine);
        if (coco) {
            out.print(MetricsTable.coco(report));
        }
        if (json != null) {
            ObjectNode root = EvalReportJson.toJson(report);
            root.put("model", model.toString());
            root.putObject("artifact").put("file", artifact.file().getFileName().toString())
                    .put("derivation", artifact.derivation().jsonName());
            root.put("data", data.toString());
            root.putArray("imgsz").add(info.inputHeight()).add(info.inputWidth());
            root.put("precision", info.precision().name().toLowerCase(Locale.ROOT));
            root.put("conf", thresholds.conf());
            root.put("iou", thresholds.iou());
            root.put("max_det", thresholds.maxDet());
            root.put("engine", engine);
            root.putObject("speed_ms_per_image").put("prepare", r.prepareMs() / n)
                    .put("inference_nms", r.detectMs() / n);
            EvalReportJson.write(json, root);
            out.println("Metrics written to " + json);
        }
        if (savePredictions != null) {
            CocoJson.writeResults(savePredictions, dataset, r.predictions());
            out.println("Predictions written to " + savePredictions);
        }
        out.flush();
    }

    private Path exportCheckpoint(Path target, PrintWriter out) throws PeregrineException {
        ExportOptions eo = ExportOptions.defaults().withOutput(target);
        if (imgsz != null) {
            ImageSize size = ImageSize.parse(imgsz);
            eo = eo.withImgsz(size.height(), size.width());
        }
        out.println("exporting " + model.getFileName() + " to ONNX for validation");
        out.flush();
        return Exporter.export(model, eo, ProgressListener.NONE).onnx();
    }

    /** Refuses a data set whose class count differs from the model's (as Ultralytics does); warns on names. */
    private static void checkClasses(ModelInfo info, EvalDataset dataset, PrintWriter err) throws PeregrineException {
        if (info.classCount() != dataset.classCount()) {
            throw PeregrineException.badInput("the model has " + info.classCount() + " classes but the data set has "
                    + dataset.classCount() + " " + dataset.names());
        }
        if (!info.names().equals(dataset.names())) {
            err.println("warning: class names differ between model " + info.names() + " and data " + dataset.names()
                    + "; using the data set's");
            err.flush();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary folder is harmless
        }
    }
}
