package dev.peregrine.bench.run;

import dev.peregrine.bench.BenchFormat;
import dev.peregrine.bench.OptionParsers;
import dev.peregrine.bench.report.Agreement;
import dev.peregrine.bench.report.BenchReport;
import dev.peregrine.bench.report.BenchRow;
import dev.peregrine.bench.report.ComparisonRow;
import dev.peregrine.bench.report.JmhJson;
import dev.peregrine.bench.report.JmhResult;
import dev.peregrine.bench.report.RowStatus;
import dev.peregrine.bench.report.RunInfo;
import dev.peregrine.bench.report.Stage;
import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Device;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.ort.OrtOptions;
import dev.peregrine.engines.pipeline.YoloDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a whole {@code peregrine bench} and assembles the {@link BenchReport}:
 * <ol>
 *   <li>produces every format's model file ({@link ModelArtifacts});</li>
 *   <li>measures each format's memory in a fresh JVM ({@link MemoryProbe});</li>
 *   <li>opens all formats and measures them end to end at every batch in alternating rounds
 *       ({@link Interleaved}), so that formats measured on a shared machine see the same load;</li>
 *   <li>mAP on {@code --data} and agreement with {@code --reference} per format;</li>
 *   <li>the comparison on the FP32 ONNX: bare ONNX Runtime {@code session.run}, Peregrine end to end and at the
 *       decode + pre-process + run stage, and the peers, again alternating.</li>
 * </ol>
 * Formats and configurations that cannot run become rows with a reason; only bad options or unreadable inputs end
 * the run with an exception.
 */
public final class BenchRunner {
    private static final Logger LOG = LoggerFactory.getLogger(BenchRunner.class);
    /** Ultralytics' predict settings: what Peregrine serves and what DJL is configured with. */
    private static final DetectOptions PREDICT = DetectOptions.defaults();

    private final BenchSettings s;
    private final BenchProgress progress;
    private final PeerFactory djl;
    private final List<BenchRow> rows = new ArrayList<>();
    private final List<ComparisonRow> comparisons = new ArrayList<>();
    private final List<Agreement> agreements = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private ModelInfo fp32Info;

    /**
     * @param settings the parsed options
     * @param progress receives progress
     * @param djl      opens the DJL peer (behind an interface so that DJL's classes load only when asked for)
     */
    public BenchRunner(BenchSettings settings, BenchProgress progress, PeerFactory djl) {
        this.s = settings;
        this.progress = progress;
        this.djl = djl;
    }

    /** Runs everything and returns the report (not yet written). */
    public BenchReport run() throws PeregrineException {
        String started = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<Double> loadBefore = SystemInfo.loadAverages();
        List<JmhResult> jmh = s.jmh() == null ? List.of() : JmhJson.read(s.jmh());
        Map<String, String> versions = new LinkedHashMap<>(SystemInfo.versions());
        if (s.model() != null && s.peers().contains("djl")) {
            initialiseDjl();
        }
        if (s.model() != null) {
            measureModel(versions);
        }
        List<Double> loadAfter = SystemInfo.loadAverages();
        RunInfo info = new RunInfo(s.commandLine(), started, s.model() == null ? "(none: JMH results only)"
                : s.model().toString(), s.device().toString(), SystemInfo.cpuModel(),
                Runtime.getRuntime().availableProcessors(), loadBefore, loadAfter, versions, settings());
        return new BenchReport(info, rows, comparisons, agreements, jmh, notes);
    }

    private void measureModel(Map<String, String> versions) throws PeregrineException {
        if (s.imageSource() == null) {
            throw PeregrineException.badInput("bench needs images to time: give --images DIR|FILE or --data DIR");
        }
        progress.stage("reading images from " + s.imageSource());
        List<EncodedImage> images = BenchImages.load(s.imageSource(), s.maxImages());
        Path firstImage = BenchImages.files(s.imageSource()).get(0);
        ReferenceCheck check = s.reference() == null ? null
                : new ReferenceCheck(ReferencePredictions.read(s.reference()), s.imageSource());
        ModelArtifacts artifacts = new ModelArtifacts(s.model(), s.imgsz(), s.out().resolve("models"), s.device(),
                s.maxBatch(), s.calibration(), progress);
        measureFormats(artifacts, images, firstImage, check);
        if (s.device().kind() != Device.Kind.CPU) {
            notes.add("the baseline and peer comparison run on the CPU only; not run on " + s.device());
            return;
        }
        Artifact fp32 = artifacts.forFormat(BenchFormat.ONNX_FP32);
        if (!fp32.available()) {
            notes.add("no onnx-fp32 model, so no baseline or peer comparison: " + fp32.skipReason());
            return;
        }
        compare(fp32.file(), images, check, versions);
    }

    /** A format whose model is open and warmed up. */
    private record OpenFormat(BenchFormat format, YoloDetector detector, PipelineBench bench, Long fileBytes,
            double loadMillis, MemoryProbe.Footprint memory) {
    }

    /** Every format at every batch, alternating between formats, plus memory, mAP and agreement per format. */
    private void measureFormats(ModelArtifacts artifacts, List<EncodedImage> images, Path firstImage,
            ReferenceCheck check) {
        Map<BenchFormat, Artifact> ready = new LinkedHashMap<>();
        for (BenchFormat f : s.formats()) {
            Artifact a = artifacts.forFormat(f);
            if (a.available()) {
                ready.put(f, a);
            } else {
                notRun(f, RowStatus.SKIPPED, a.skipReason(), null);
            }
        }
        Map<BenchFormat, MemoryProbe.Footprint> memory = new LinkedHashMap<>();
        for (var e : ready.entrySet()) {
            memory.put(e.getKey(), memory(e.getKey(), e.getValue().file(), firstImage));
        }
        List<OpenFormat> open = new ArrayList<>();
        try {
            for (var e : ready.entrySet()) {
                OpenFormat o = open(e.getKey(), e.getValue(), images, memory.get(e.getKey()));
                if (o != null) {
                    open.add(o);
                }
            }
            int rounds = Interleaved.rounds(s.duration());
            for (int b : s.batches()) {
                measureBatch(open, b, rounds);
            }
            for (OpenFormat o : open) {
                double[] map = map(o);
                if (map != null) {
                    for (int i = 0; i < rows.size(); i++) {
                        if (rows.get(i).format().equals(o.format().id())) {
                            rows.set(i, rows.get(i).withMap(map[0], map[1]));
                        }
                    }
                }
                if (check != null) {
                    progress.stage(o.format().id() + ": comparing detections with " + s.reference().getFileName());
                    DetectOptions opts = check.reference().options();
                    agreements.add(check.check("peregrine " + o.format().id(), "",
                            bytes -> o.detector().detect(bytes, opts)));
                }
            }
        } finally {
            open.forEach(o -> o.detector().close());
        }
        rows.sort(Comparator.comparingInt((BenchRow r) -> s.formats().indexOf(BenchFormat.parseOrNull(r.format())))
                .thenComparingInt(r -> s.batches().indexOf(r.batch())));
    }

    /** Opens and warms up a format; on failure records its rows and returns null. */
    private OpenFormat open(BenchFormat f, Artifact a, List<EncodedImage> images, MemoryProbe.Footprint memory) {
        Long fileBytes = size(a.file());
        progress.stage("loading " + f.id() + " (" + a.file().getFileName() + ")");
        long t0 = System.nanoTime();
        YoloDetector detector;
        try {
            // TensorRT engines take their own options (null = defaults); ONNX models get the thread count.
            detector = YoloDetector.open(new EngineConfig(a.file(), s.device(), s.maxBatch(),
                    f.runtime() == BenchFormat.Runtime.ONNX ? OrtOptions.defaults().withIntraOpThreads(s.threads())
                            : null));
        } catch (PeregrineException e) {
            notRun(f, e.code() == ErrorCode.UNAVAILABLE ? RowStatus.SKIPPED : RowStatus.FAILED, e.getMessage(),
                    fileBytes);
            return null;
        }
        double loadMs = (System.nanoTime() - t0) / 1e6;
        String mismatch = imgszMismatch(detector.info());
        try {
            if (mismatch != null) {
                throw PeregrineException.badInput(mismatch);
            }
            progress.stage(f.id() + ": warming up");
            detector.warmUp();
        } catch (PeregrineException e) {
            detector.close();
            notRun(f, RowStatus.FAILED, (mismatch == null ? "warm-up failed: " : "") + e.getMessage(), fileBytes);
            return null;
        }
        if (f == BenchFormat.ONNX_FP32) {
            fp32Info = detector.info();
        }
        return new OpenFormat(f, detector, new PipelineBench(detector, images, PREDICT), fileBytes, loadMs, memory);
    }

    /** All open formats at batch {@code b}, alternating. */
    private void measureBatch(List<OpenFormat> open, int b, int rounds) {
        List<Subject> subjects = new ArrayList<>();
        List<OpenFormat> measured = new ArrayList<>();
        for (OpenFormat o : open) {
            if (!o.detector().info().dynamicBatch() && b > o.detector().maxBatch()) {
                String reason = "the model has a fixed batch of " + o.detector().maxBatch()
                        + " (a .pt is exported with a dynamic batch)";
                progress.result(String.format(Locale.ROOT, "%-10s batch %-3d skipped: %s", o.format().id(), b,
                        reason));
                rows.add(figures(BenchRow.notRun(o.format().id(), b, RowStatus.SKIPPED, reason, null), o));
                continue;
            }
            subjects.add(o.bench().subject("peregrine", o.format().id(), b));
            measured.add(o);
        }
        if (subjects.isEmpty()) {
            return;
        }
        progress.stage("formats at batch " + b + ": " + rounds + " alternating round(s) of "
                + OptionParsers.format(s.duration().dividedBy(rounds)) + " per format");
        List<Interleaved.Outcome> outcomes = Interleaved.outcomes(subjects, s.warmUp(), s.duration(), rounds,
                progress);
        for (int i = 0; i < outcomes.size(); i++) {
            OpenFormat o = measured.get(i);
            Interleaved.Outcome out = outcomes.get(i);
            if (out.failure() != null) {
                rows.add(figures(BenchRow.notRun(o.format().id(), b, RowStatus.FAILED, out.failure(), null), o));
                continue;
            }
            TimedLoop.Result r = out.result();
            rows.add(figures(new BenchRow(o.format().id(), b, RowStatus.OK, "", r.images(), r.seconds(),
                    r.imagesPerSecond(), r.latency(), o.bench().stages(b, r.images()), null, null, null, null, null,
                    null), o));
        }
    }

    /** The row with its format's file size, load time and memory. */
    private static BenchRow figures(BenchRow row, OpenFormat o) {
        MemoryProbe.Footprint m = o.memory();
        return row.withFormatFigures(o.fileBytes(), o.loadMillis(), m == null ? null : m.ramBytes(),
                m == null ? null : m.gpuBytes());
    }

    private void notRun(BenchFormat f, RowStatus status, String reason, Long fileBytes) {
        s.batches().forEach(b -> rows.add(BenchRow.notRun(f.id(), b, status, reason, fileBytes)));
        progress.result(String.format(Locale.ROOT, "%-10s %s: %s", f.id(), status.name().toLowerCase(Locale.ROOT),
                reason));
    }

    /** The format's memory from a fresh JVM, or null (noted) when the probe fails. */
    private MemoryProbe.Footprint memory(BenchFormat f, Path file, Path image) {
        progress.stage(f.id() + ": memory of a fresh JVM running it at batch " + s.maxBatch());
        try {
            return MemoryProbe.measure(file, s.device(), s.maxBatch(), s.effectiveThreads(), image);
        } catch (PeregrineException e) {
            notes.add(f.id() + ": " + e.getMessage());
            return null;
        }
    }

    /**
     * The comparison: at every batch, the bare ONNX Runtime call, Peregrine end to end and (with peers)
     * Peregrine's decode + pre-process + run stage and the peers' configurations, measured in alternation.
     */
    private void compare(Path onnx, List<EncodedImage> images, ReferenceCheck check, Map<String, String> versions) {
        if (fp32Info == null) {
            notes.add("onnx-fp32 was not measured, so there is no baseline comparison");
            return;
        }
        int h = fp32Info.inputHeight();
        int w = fp32Info.inputWidth();
        List<Integer> batches = s.batches().stream().filter(b -> fp32Info.dynamicBatch() || b == fp32Info.batch())
                .toList();
        EngineConfig config = new EngineConfig(onnx, Device.CPU, s.maxBatch(),
                OrtOptions.defaults().withIntraOpThreads(s.threads()));
        List<Peer> peers = new ArrayList<>();
        try (OrtBaseline ort = new OrtBaseline(onnx, s.effectiveThreads());
             YoloDetector detector = YoloDetector.open(config);
             Engine engine = Engines.open(config);
             StageBench stage = new StageBench(engine, images)) {
            for (String name : s.peers()) {
                Peer p = openPeer(name, onnx, images, versions);
                if (p != null) {
                    peers.add(p);
                    comparisons.addAll(p.preflight());
                }
            }
            detector.warmUp();
            PipelineBench e2e = new PipelineBench(detector, images, PREDICT);
            int rounds = Interleaved.rounds(s.duration());
            for (int b : batches) {
                progress.stage("comparison at batch " + b + ": " + rounds + " alternating round(s) of "
                        + OptionParsers.format(s.duration().dividedBy(rounds)) + " per subject");
                List<Subject> subjects = new ArrayList<>();
                subjects.add(ort.subject(b, h, w));
                subjects.add(e2e.subject("peregrine", "YoloDetector", b));
                if (!peers.isEmpty()) {
                    subjects.add(stage.subject(b));
                }
                for (Peer p : peers) {
                    subjects.addAll(p.subjects(b));
                }
                comparisons.addAll(Interleaved.run(subjects, s.warmUp(), s.duration(), rounds, progress));
            }
            if (check != null) {
                for (Peer p : peers) {
                    progress.stage(p.name() + ": comparing detections with " + s.reference().getFileName());
                    agreements.addAll(p.agreements(check));
                }
            }
            peers.forEach(p -> notes.addAll(p.notes()));
        } catch (PeregrineException e) {
            notes.add("the comparison could not run: " + e.getMessage());
        } finally {
            peers.forEach(Peer::close);
        }
    }

    /** Starts DJL before Peregrine touches ONNX Runtime (see {@link PeerFactory#initialise()}). */
    private void initialiseDjl() {
        progress.stage("starting DJL's engines (offline)");
        try {
            djl.initialise();
            notes.add("DJL's ONNX Runtime engine insists on creating the process-wide OrtEnvironment itself (with "
                    + "threading options; ONNX Runtime refuses once one exists), so bench starts DJL first when "
                    + "--peer djl is given. Peregrine's sessions keep their own per-session thread pools.");
        } catch (RuntimeException | LinkageError e) {
            notes.add("DJL could not start: " + causes(e));
        }
    }

    private Peer openPeer(String name, Path onnx, List<EncodedImage> images, Map<String, String> versions) {
        if (!name.equals("djl")) {
            notes.add("unknown peer '" + name + "' ignored");
            return null;
        }
        progress.stage("loading DJL (offline) with " + onnx.getFileName());
        try {
            Peer p = djl.open(new PeerContext(onnx, fp32Info, images, s.effectiveThreads()));
            versions.put("djl", "0.36.0 (onnxruntime-engine, pytorch-engine 2.7.1 for image ops)");
            return p;
        } catch (RuntimeException | LinkageError e) {
            // DJL missing from the class path (e.g. the JMH uber jar) or failing to start its engines
            comparisons.add(ComparisonRow.notRun("djl", "any", Stage.END_TO_END, 1, RowStatus.FAILED,
                    "DJL could not start: " + causes(e)));
            LOG.warn("DJL could not start", e);
            return null;
        }
    }

    /** {@code e} and its causes, one after the other, for a report cell. */
    static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" <- ").append(c);
        }
        return sb.toString();
    }

    /** mAP50 and mAP50-95 of the format on {@code --data}, or null (not asked, or failed: noted). */
    private double[] map(OpenFormat o) {
        if (s.data() == null) {
            return null;
        }
        String id = o.format().id();
        try {
            progress.stage(id + ": mAP on " + s.data() + " (Ultralytics val settings)");
            double[] map = MapEvaluation.evaluate(o.detector(), s.data(), s.maxBatch(), progress);
            progress.result(String.format(Locale.ROOT, "%-10s mAP50 %.4f  mAP50-95 %.4f", id, map[0], map[1]));
            return map;
        } catch (PeregrineException e) {
            notes.add(id + ": mAP failed: " + e.getMessage());
            return null;
        }
    }

    /** Why the model's input size differs from {@code --imgsz}, or null when it matches or was not asked. */
    private String imgszMismatch(ModelInfo info) {
        int[] hw = s.imgsz();
        if (hw == null || (hw[0] == info.inputHeight() && hw[1] == info.inputWidth())) {
            return null;
        }
        return "--imgsz " + hw[0] + "," + hw[1] + " does not match the model's input " + info.inputHeight() + "x"
                + info.inputWidth();
    }

    private Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("duration", OptionParsers.format(s.duration()));
        m.put("warmup", OptionParsers.format(s.warmUp()));
        m.put("rounds", Integer.toString(Interleaved.rounds(s.duration())));
        m.put("batches", s.batches().toString());
        m.put("formats", s.formats().toString());
        m.put("ort_intra_op_threads", Integer.toString(s.effectiveThreads()));
        if (s.imageSource() != null) {
            m.put("images", s.imageSource().toString());
        }
        if (s.calibration() != null) {
            m.put("int8_calibration", s.calibration().toString());
        }
        if (fp32Info != null) {
            m.put("input", fp32Info.inputHeight() + "x" + fp32Info.inputWidth());
        }
        m.put("post_processing", "conf " + PREDICT.conf() + ", iou " + PREDICT.iou() + ", max_det "
                + PREDICT.maxDet());
        return m;
    }

    private static Long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return null;
        }
    }
}
