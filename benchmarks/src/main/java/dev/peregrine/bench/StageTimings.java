package dev.peregrine.bench;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detection;
import dev.peregrine.engines.Engine;
import dev.peregrine.engines.EngineConfig;
import dev.peregrine.engines.EngineOutputs;
import dev.peregrine.engines.Engines;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.decode.HeadDecoder;
import dev.peregrine.engines.decode.HeadDecoders;
import dev.peregrine.engines.image.ImageDecoder;
import dev.peregrine.engines.image.InputBatch;
import dev.peregrine.engines.image.LetterboxGeometry;
import dev.peregrine.engines.image.LetterboxedImage;
import dev.peregrine.engines.ort.OrtOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Time per image of each stage of the detection pipeline at batch 1, run the way {@code YoloDetector} runs it:
 * JPEG decode, letterbox (resize + pad), tensor fill (BGR→RGB, CHW, /255), inference, and decode + NMS + mapping
 * boxes back. Warm-up rounds first, then {@code N} rounds over the images; prints a Markdown table of mean, median
 * and p90 per stage and the share of pre+post-processing relative to inference.
 *
 * <pre>
 * java -cp ... dev.peregrine.bench.StageTimings [--model M.onnx] [--images DIR] [--warmup 30] [--iterations 300]
 *     [--threads N] [--conf 0.25]
 * </pre>
 */
public final class StageTimings {
    private static final String[] STAGES = {"decode (JPEG)", "letterbox", "tensor fill", "inference",
        "decode+NMS+map"};

    private StageTimings() {
    }

    /** Entry point; see the class comment for arguments. */
    public static void main(String[] args) throws Exception {
        Path model = Path.of("../shared/fixtures/trained/shapes-yolov8n.onnx");
        Path images = Path.of("../shared/fixtures/trained/images/val");
        int warmup = 30;
        int iterations = 300;
        int threads = 0;
        float conf = 0.25f;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--images" -> images = Path.of(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--iterations" -> iterations = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--conf" -> conf = Float.parseFloat(v);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        List<byte[]> encoded = load(images);
        OrtOptions options = OrtOptions.defaults().withIntraOpThreads(threads);
        DetectOptions detect = DetectOptions.defaults().withConf(conf);
        long[][] nanos = new long[STAGES.length][iterations];
        long detections = 0;
        try (Engine engine = Engines.open(new EngineConfig(model, dev.peregrine.engines.Device.CPU, 1, options));
             InputBatch batch = new InputBatch(1, engine.info().inputHeight(), engine.info().inputWidth())) {
            HeadDecoder decoder = HeadDecoders.forModel(engine.info());
            for (int round = -warmup; round < iterations; round++) {
                long[] t = runOnce(engine, batch, decoder, detect, encoded.get(Math.floorMod(round, encoded.size())));
                if (round >= 0) {
                    for (int s = 0; s < STAGES.length; s++) {
                        nanos[s][round] = t[s];
                    }
                    detections += t[STAGES.length];
                }
            }
            print(model, engine, options, encoded.size(), warmup, iterations, conf, detections, nanos);
        }
    }

    /** One image through every stage; returns the nanoseconds per stage, then the detection count. */
    private static long[] runOnce(Engine engine, InputBatch batch, HeadDecoder decoder, DetectOptions detect,
            byte[] bytes) throws PeregrineException {
        long[] t = new long[STAGES.length + 1];
        long t0 = System.nanoTime();
        try (Mat bgr = ImageDecoder.decode(bytes, 40_000_000L)) {
            long t1 = System.nanoTime();
            try (LetterboxedImage img = LetterboxedImage.of(bgr, batch.width(), batch.height())) {
                long t2 = System.nanoTime();
                batch.put(0, img);
                long t3 = System.nanoTime();
                EngineOutputs out = engine.run(batch.buffer(), 1);
                long t4 = System.nanoTime();
                LetterboxGeometry g = img.geometry();
                List<Detection> dets = decoder.decode(out, 0, detect);
                List<Detection> mapped = new ArrayList<>(dets.size());
                for (Detection d : dets) {
                    mapped.add(g.toOriginal(d));
                }
                long t5 = System.nanoTime();
                t[0] = t1 - t0;
                t[1] = t2 - t1;
                t[2] = t3 - t2;
                t[3] = t4 - t3;
                t[4] = t5 - t4;
                t[5] = mapped.size();
            }
        }
        return t;
    }

    private static List<byte[]> load(Path dir) throws IOException {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no .jpg images in " + dir);
        }
        return out;
    }

    private static void print(Path model, Engine engine, OrtOptions options, int images, int warmup,
            int iterations, float conf, long detections, long[][] nanos) {
        System.out.printf(Locale.ROOT, "model %s (%dx%d, %s, %d intra-op threads), %d images, %d warm-up + %d "
                + "measured rounds, conf %.3f, %.1f detections/image%n%n", model.getFileName(),
                engine.info().inputWidth(), engine.info().inputHeight(), engine.description(),
                options.effectiveIntraOpThreads(), images, warmup, iterations, conf, (double) detections / iterations);
        System.out.println("| stage | mean ms | median ms | p90 ms |");
        System.out.println("|---|---|---|---|");
        double[] means = new double[STAGES.length];
        double[] medians = new double[STAGES.length];
        for (int s = 0; s < STAGES.length; s++) {
            long[] sorted = nanos[s].clone();
            Arrays.sort(sorted);
            means[s] = Arrays.stream(sorted).average().orElse(0) / 1e6;
            medians[s] = sorted[sorted.length / 2] / 1e6;
            double p90 = sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.9))] / 1e6;
            System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", STAGES[s], means[s], medians[s], p90);
        }
        double preMean = means[0] + means[1] + means[2];
        double preMedian = medians[0] + medians[1] + medians[2];
        System.out.printf(Locale.ROOT, "%npre-processing (decode+letterbox+fill): mean %.3f ms = %.1f %% of "
                + "inference (median %.1f %%)%n", preMean, 100 * preMean / means[3], 100 * preMedian / medians[3]);
        System.out.printf(Locale.ROOT, "pre-processing without JPEG decode (letterbox+fill): mean %.3f ms = %.1f %% "
                + "of inference%n", means[1] + means[2], 100 * (means[1] + means[2]) / means[3]);
        System.out.printf(Locale.ROOT, "post-processing (decode+NMS+map): mean %.3f ms = %.1f %% of inference%n",
                means[4], 100 * means[4] / means[3]);
        System.out.printf(Locale.ROOT, "pre+post: mean %.3f ms = %.1f %% of inference (median %.1f %%); without JPEG "
                + "decode %.1f %%%n", preMean + means[4], 100 * (preMean + means[4]) / means[3],
                100 * (preMedian + medians[4]) / medians[3], 100 * (means[1] + means[2] + means[4]) / means[3]);
    }
}
