package dev.peregrine.bench.run;

import dev.peregrine.bench.BenchFormat;
import dev.peregrine.engines.Device;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The parsed options of one {@code peregrine bench} run.
 *
 * @param model       the {@code .pt} or {@code .onnx} to measure, or null for a report of JMH results only
 * @param formats     formats to measure, in order
 * @param batches     batch sizes, in order
 * @param imgsz       {height, width} to export/run at, or null for the model's own size
 * @param device      where to run
 * @param duration    measuring time per format x batch
 * @param warmUp      warm-up time per format x batch
 * @param data        labelled data set (Ultralytics layout) for mAP, or null
 * @param images      images to time, or null for those of {@code data}
 * @param maxImages   most images read into memory for timing
 * @param calib       INT8 calibration images (folder, list or data YAML), or null for the image source
 * @param reference   Ultralytics predictions to compare detections with, or null
 * @param peers       peer libraries to compare with ({@code djl}), empty for none
 * @param jmh         JMH JSON result to add to the report, or null
 * @param threads     ONNX Runtime intra-op threads for every runtime compared (0 = one per core)
 * @param out         output directory
 * @param commandLine the command line as typed, for the report
 */
public record BenchSettings(Path model, List<BenchFormat> formats, List<Integer> batches, int[] imgsz, Device device,
        Duration duration, Duration warmUp, Path data, Path images, int maxImages, Path calib, Path reference,
        List<String> peers, Path jmh, int threads, Path out, String commandLine) {

    public BenchSettings {
        formats = List.copyOf(formats);
        batches = List.copyOf(batches);
        peers = List.copyOf(peers);
        imgsz = imgsz == null ? null : imgsz.clone();
    }

    /** The image source: {@code images}, else {@code data}, else null. */
    public Path imageSource() {
        return images != null ? images : data;
    }

    /** INT8 calibration images: {@code calib}, else the data set, else the timing images; null when none. */
    public Path calibration() {
        return calib != null ? calib : imageSource();
    }

    /** The thread count to configure: {@code threads}, or the available processors when 0. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The largest batch asked for. */
    public int maxBatch() {
        return batches.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    @Override
    public int[] imgsz() {
        return imgsz == null ? null : imgsz.clone();
    }
}
