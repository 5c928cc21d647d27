package dev.peregrine.server.cli;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.Precision;
import dev.peregrine.exporter.ExportOptions;
import dev.peregrine.exporter.ExportResult;
import dev.peregrine.exporter.Exporter;
import dev.peregrine.exporter.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code peregrine export MODEL.pt}: converts an Ultralytics checkpoint to ONNX in pure Java, with Ultralytics'
 * export options. Prints one line per stage and a final line with the file, its size and the time taken.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export an Ultralytics YOLO .pt checkpoint to ONNX (no Python needed).")
public final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL.pt", description = "Ultralytics checkpoint (best.pt, yolo11n.pt...)")
    Path model;

    @Option(names = "--imgsz", paramLabel = "N|HxW",
            description = "Input size, a multiple of the model stride: N (square) or HxW. Default: training size.")
    String imgsz;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1", description = "Static batch size (default 1).")
    int batch;

    @Option(names = "--dynamic", description = "Dynamic batch, height and width axes.")
    boolean dynamic;

    @Option(names = "--opset", paramLabel = "N", description = "ONNX opset, 13 to 22 (default 17).")
    Integer opset;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Output file (default: MODEL.onnx beside the checkpoint).")
    Path output;

    /** Precision of the artifact: FP16 and INT8 are added by the precision passes (dev.peregrine.exporter.precision). */
    @Option(names = "--precision", paramLabel = "fp32|fp16|int8", defaultValue = "fp32",
            description = "Numeric precision (default fp32; fp16 and int8 come with the precision passes).")
    String precision;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws PeregrineException {
        PrintWriter out = spec.commandLine().getOut();
        int[] hw = imgsz == null ? new int[] {0, 0} : parseImgsz(imgsz);
        ExportOptions options = ExportOptions.defaults().withImgsz(hw[0], hw[1]).withBatch(batch)
                .withDynamic(dynamic).withOpset(opset).withOutput(output).withPrecision(parsePrecision(precision));
        ExportResult r = Exporter.export(model, options, new ProgressListener() {
            @Override
            public void stage(String description) {
                out.println(description);
                out.flush();
            }
        });
        long bytes;
        try {
            bytes = Files.size(r.onnx());
        } catch (java.io.IOException e) {
            bytes = -1;
        }
        out.printf(Locale.ROOT, "exported %s (%.1f MB) in %.2f s%n", r.onnx(), bytes / 1e6,
                r.took().toNanos() / 1e9);
        out.flush();
        return 0;
    }

    /** {@code 640}, {@code 480x640} or {@code 480,640} as {@code [h, w]}. */
    static int[] parseImgsz(String s) throws PeregrineException {
        String[] parts = s.trim().toLowerCase(Locale.ROOT).split("[x,]");
        try {
            if (parts.length == 1) {
                int n = Integer.parseInt(parts[0].trim());
                return positive(new int[] {n, n}, s);
            }
            if (parts.length == 2) {
                return positive(new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())}, s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw PeregrineException.badInput("--imgsz '" + s + "' is not N or HxW (e.g. 640 or 480x640)");
    }

    private static int[] positive(int[] hw, String s) throws PeregrineException {
        if (hw[0] <= 0 || hw[1] <= 0) {
            throw PeregrineException.badInput("--imgsz '" + s + "' must be positive");
        }
        return hw;
    }

    static Precision parsePrecision(String s) throws PeregrineException {
        try {
            return Precision.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw PeregrineException.badInput("--precision '" + s + "' is not fp32, fp16 or int8");
        }
    }
}
