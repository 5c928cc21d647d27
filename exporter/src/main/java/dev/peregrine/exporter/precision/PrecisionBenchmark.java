package dev.peregrine.exporter.precision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Developer benchmark of one ONNX model on ONNX Runtime CPU, run once per model in its own JVM so that memory
 * figures do not mix: file size, session load time, throughput and median latency at the given batch sizes
 * (dynamic-batch models only above 1), and process RSS. Prints one Markdown table row.
 *
 * <pre>
 * java -cp 'server/target/peregrine-server.jar:server/target/lib/*' \
 *     dev.peregrine.exporter.precision.PrecisionBenchmark MODEL.onnx LABEL [SECONDS] [BATCH,...]
 * </pre>
 */
public final class PrecisionBenchmark {
    private PrecisionBenchmark() {
    }

    /** Entry point; see the class comment for the arguments. */
    public static void main(String[] args) throws OrtException, IOException {
        if (args.length < 2) {
            System.err.println("usage: PrecisionBenchmark MODEL.onnx LABEL [SECONDS] [BATCH,...]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        String label = args[1];
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 10;
        int[] batches = args.length > 3 ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 8};
        long rssBefore = rssKb();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        long t0 = System.nanoTime();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model.toString(), so)) {
            double loadMs = (System.nanoTime() - t0) / 1e6;
            String input = session.getInputNames().iterator().next();
            long[] shape = ((TensorInfo) session.getInputInfo().get(input).getInfo()).getShape();
            long[] hw = imgsz(session);
            List<String> cells = new ArrayList<>();
            for (int b : batches) {
                if (shape[0] > 0 && shape[0] != b) {
                    cells.add("n/a (static batch " + shape[0] + ")");
                    continue;
                }
                long[] s = {b, 3, shape[2] > 0 ? shape[2] : hw[0], shape[3] > 0 ? shape[3] : hw[1]};
                cells.add(run(env, session, input, s, seconds));
            }
            System.out.printf(Locale.ROOT, "| %s | %.1f MB | %.0f ms | %s | %.0f MB (+%.0f) |%n", label,
                    Files.size(model) / 1e6, loadMs, String.join(" | ", cells), rssKb() / 1024.0,
                    (rssKb() - rssBefore) / 1024.0);
        }
    }

    /** Runs {@code seconds} of inference after a warm-up; returns "FPS (median ms per batch)". */
    private static String run(OrtEnvironment env, OrtSession session, String input, long[] shape, double seconds)
            throws OrtException {
        int n = Math.toIntExact(shape[0] * shape[1] * shape[2] * shape[3]);
        FloatBuffer data = FloatBuffer.allocate(n);
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < n; i++) {
            data.put((float) r.nextDouble());
        }
        data.flip();
        try (OnnxTensor t = OnnxTensor.createTensor(env, data, shape)) {
            for (int i = 0; i < 5; i++) {
                session.run(Map.of(input, t)).close();
            }
            List<Double> ms = new ArrayList<>();
            long start = System.nanoTime();
            while ((System.nanoTime() - start) / 1e9 < seconds || ms.size() < 10) {
                long a = System.nanoTime();
                session.run(Map.of(input, t)).close();
                ms.add((System.nanoTime() - a) / 1e6);
            }
            double total = (System.nanoTime() - start) / 1e9;
            ms.sort(Double::compare);
            return String.format(Locale.ROOT, "%.1f img/s (%.1f ms)", ms.size() * shape[0] / total,
                    ms.get(ms.size() / 2));
        }
    }

    /** Height and width from the Ultralytics {@code imgsz} metadata (dynamic models), else 640. */
    private static long[] imgsz(OrtSession session) throws OrtException {
        String v = session.getMetadata().getCustomMetadata().get("imgsz");
        if (v != null) {
            String[] parts = v.replaceAll("[\\[\\]\\s]", "").split(",");
            if (parts.length == 2) {
                return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
            }
        }
        return new long[] {640, 640};
    }

    /** Resident set size of this process from {@code /proc/self/status}, 0 where unavailable. */
    private static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no RSS figure
        }
        return 0;
    }
}
