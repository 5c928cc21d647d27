package dev.peregrine.bench.run;

import dev.peregrine.bench.BenchFormat;
import dev.peregrine.bench.OptionParsers;
import dev.peregrine.bench.ProcessMemory;
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
import dev.peregrine.engines.trt.GpuMemoryProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Runs a whole {@code peregrine bench}: every format x batch end to end, the bare ONNX Runtime baseline, Peregrine
 * at the pre-process + run stage, peers, agreement with reference predictions and mAP, and assembles the
 * {@link BenchReport}. Formats and configurations that cannot run become rows with a reason; only bad options or
 * unreadable inputs end the run with an exception.
 */
public final class BenchRunner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BenchRunner.class);
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
        ReferenceCheck check = s.reference() == null ? null
                : new ReferenceCheck(ReferencePredictions.read(s.reference()), s.imageSource());
        ModelArtifacts artifacts = new ModelArtifacts(s.model(), s.imgsz(), s.out().resolve("models"), s.device(),
                s.maxBatch(), s.calibration(), progress);
        for (BenchFormat f : s.formats()) {
            measureFormat(f, artifacts.forFormat(f), images, check);
        }
        Artifact fp32 = artifacts.forFormat(BenchFormat.ONNX_FP32);
        if (s.device().kind() != Device.Kind.CPU) {
            notes.add("baselines and peers run on the CPU only; skipped on " + s.device());
            return;
        }
        if (!fp32.available()) {
            notes.add("no onnx-fp32 model, so no baseline or peer comparison: " + fp32.skipReason());
            return;
        }
        compare(fp32.file(), images, check, versions);
    }

    /** Measures one format at every batch size, with its load time, memory, agreement and mAP. */
    private void measureFormat(BenchFormat f, Artifact a, List<EncodedImage> images, ReferenceCheck check) {
        if (!a.available()) {
            s.batches().forEach(b -> rows.add(BenchRow.notRun(f.id(), b, RowStatus.SKIPPED, a.skipReason(), null)));
            progress.result(String.format(Locale.ROOT, "%-10s skipped: %s", f.id(), a.skipReason()));
            return;
        }
        Long fileBytes = size(a.file());
        progress.stage("loading " + f.id() + " (" + a.file().getFileName() + ")");
        OptionalLong rssBefore = nativeMemory();
        long gpuBefore = gpuUsedBytes();
        long t0 = System.nanoTime();
        YoloDetector detector;
        try {
            // TensorRT engines take their own options (null = defaults); ONNX models get the thread count.
            detector = YoloDetector.open(new EngineConfig(a.file(), s.device(), s.maxBatch(),
                    f.runtime() == BenchFormat.Runtime.ONNX ? OrtOptions.defaults().withIntraOpThreads(s.threads())
                            : null));
        } catch (PeregrineException e) {
            RowStatus st = e.code() == ErrorCode.UNAVAILABLE ? RowStatus.SKIPPED : RowStatus.FAILED;
            s.batches().forEach(b -> rows.add(BenchRow.notRun(f.id(), b, st, e.getMessage(), fileBytes)));
            progress.result(String.format(Locale.ROOT, "%-10s %s: %s", f.id(), st.name().toLowerCase(Locale.ROOT),
                    e.getMessage()));
            return;
        }
        double loadMs = (System.nanoTime() - t0) / 1e6;
        try (detector) {
            measureOpenFormat(f, detector, images, check, fileBytes, loadMs, rssBefore, gpuBefore);
        }
    }

    private void measureOpenFormat(BenchFormat f, YoloDetector detector, List<EncodedImage> images,
            ReferenceCheck check, Long fileBytes, double loadMs, OptionalLong rssBefore, long gpuBefore) {
        ModelInfo info = detector.info();
        if (f == BenchFormat.ONNX_FP32) {
            fp32Info = info;
        }
        String mismatch = imgszMismatch(info);
        if (mismatch != null) {
            s.batches().forEach(b -> rows.add(BenchRow.notRun(f.id(), b, RowStatus.FAILED, mismatch, fileBytes)));
            return;
        }
        try {
            progress.stage(f.id() + ": warming up");
            detector.warmUp();
        } catch (PeregrineException e) {
            s.batches().forEach(b -> rows.add(BenchRow.notRun(f.id(), b, RowStatus.FAILED, "warm-up failed: "
                    + e.getMessage(), fileBytes)));
            return;
        }
        int first = rows.size();
        PipelineBench bench = new PipelineBench(detector, images, PREDICT);
        for (int b : s.batches()) {
            rows.add(measureBatch(f, b, detector, bench, fileBytes));
        }
        OptionalLong rssAfter = nativeMemory();
        Long rssDelta = rssBefore.isPresent() && rssAfter.isPresent()
                ? rssAfter.getAsLong() - rssBefore.getAsLong() : null;
        long gpuAfter = gpuUsedBytes();
        Long gpuDelta = gpuBefore >= 0 && gpuAfter >= 0 ? gpuAfter - gpuBefore : null;
        double[] map = map(f, detector);
        for (int i = first; i < rows.size(); i++) {
            BenchRow r = rows.get(i).withFormatFigures(fileBytes, loadMs, rssDelta, gpuDelta);
            rows.set(i, map == null ? r : r.withMap(map[0], map[1]));
        }
        if (check != null) {
            progress.stage(f.id() + ": comparing detections with " + s.reference().getFileName());
            DetectOptions opts = check.reference().options();
            agreements.add(check.check("peregrine " + f.id(), "", bytes -> detector.detect(bytes, opts)));
        }
    }

    private BenchRow measureBatch(BenchFormat f, int b, YoloDetector detector, PipelineBench bench, Long fileBytes) {
        if (!detector.info().dynamicBatch() && b > detector.maxBatch()) {
            String reason = "the model has a fixed batch of " + detector.maxBatch()
                    + " (a .pt is exported with a dynamic batch)";
            progress.result(String.format(Locale.ROOT, "%-10s batch %-3d skipped: %s", f.id(), b, reason));
            return BenchRow.notRun(f.id(), b, RowStatus.SKIPPED, reason, fileBytes);
        }
        try {
            return bench.measure(f.id(), b, s.warmUp(), s.duration(), progress);
        } catch (Exception e) {
            progress.result(String.format(Locale.ROOT, "%-10s batch %-3d failed: %s", f.id(), b, e));
            return BenchRow.notRun(f.id(), b, RowStatus.FAILED, String.valueOf(e.getMessage()), fileBytes);
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
                subjects.add(e2e.subject(b));
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

    /** {@code e} and its causes, one after the other, for a report cell. */
    static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" <- ").append(c);
        }
        return sb.toString();
    }

    /** {@link ProcessMemory#nativeResidentBytes()} after a collection, so that garbage does not count. */
    private static OptionalLong nativeMemory() {
        System.gc();
        return ProcessMemory.nativeResidentBytes();
    }

    /**
     * GPU memory in use for a CUDA run ({@link GpuMemoryProbe}: this process's use when NVML knows it, else the
     * device's), -1 on the CPU or when unknown.
     */
    private long gpuUsedBytes() {
        if (s.device().kind() != Device.Kind.CUDA) {
            return -1;
        }
        try (GpuMemoryProbe probe = GpuMemoryProbe.open(s.device().index())) {
            return probe.usedBytes();
        }
    }

    /** mAP50 and mAP50-95 of the format on {@code --data}, or null (not asked, or failed: noted). */
    private double[] map(BenchFormat f, YoloDetector detector) {
        if (s.data() == null) {
            return null;
        }
        try {
            progress.stage(f.id() + ": mAP on " + s.data() + " (Ultralytics val settings)");
            double[] map = MapEvaluation.evaluate(detector, s.data(), s.maxBatch(), progress);
            progress.result(String.format(Locale.ROOT, "%-10s mAP50 %.4f  mAP50-95 %.4f", f.id(), map[0], map[1]));
            return map;
        } catch (PeregrineException e) {
            notes.add(f.id() + ": mAP failed: " + e.getMessage());
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
        m.put("batches", s.batches().toString());
        m.put("formats", s.formats().toString());
        m.put("ort_intra_op_threads", Integer.toString(s.effectiveThreads()));
        if (s.imageSource() != null) {
            m.put("images", s.imageSource().toString());
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
