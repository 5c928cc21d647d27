package dev.peregrine.engines;

import java.util.List;
import java.util.Map;

/**
 * What a consumer needs to know about a YOLO model: its classes, input geometry, task and head layout.
 * Read from the ONNX {@code metadata_props} Ultralytics writes, from a checkpoint, or from an engine file header.
 *
 * @param names        class names, index = class id
 * @param task         Ultralytics task
 * @param inputHeight  model input height in pixels
 * @param inputWidth   model input width in pixels
 * @param stride       largest feature stride (32 for every stock YOLO); input sizes must be multiples of it
 * @param batch        fixed batch size, or -1 when the batch axis is dynamic
 * @param endToEnd     true for NMS-free heads ({@code [B, K, 6+extra]} output: YOLOv10, YOLO26)
 * @param kptShape     keypoint shape {@code [K, dims]} for pose models, empty otherwise
 * @param channels     input channels (3)
 * @param precision    numeric precision of the artifact
 * @param sourceFormat artifact kind the info was read from ({@code onnx}, {@code pt}, {@code engine})
 * @param metadata     the raw key/value metadata, for consumers that need more
 */
public record ModelInfo(
        List<String> names,
        Task task,
        int inputHeight,
        int inputWidth,
        int stride,
        int batch,
        boolean endToEnd,
        int[] kptShape,
        int channels,
        Precision precision,
        String sourceFormat,
        Map<String, String> metadata) {

    public ModelInfo {
        names = List.copyOf(names);
        kptShape = kptShape == null ? new int[0] : kptShape.clone();
        metadata = Map.copyOf(metadata);
    }

    /** Number of classes. */
    public int classCount() {
        return names.size();
    }

    /** True when the batch axis is dynamic. */
    public boolean dynamicBatch() {
        return batch < 0;
    }

    /** The name of class {@code id}, or {@code "class<id>"} when the id is out of range. */
    public String className(int id) {
        return id >= 0 && id < names.size() ? names.get(id) : "class" + id;
    }

    @Override
    public int[] kptShape() {
        return kptShape.clone();
    }

    /** A copy with another precision (after an FP16 or INT8 pass). */
    public ModelInfo withPrecision(Precision p) {
        return new ModelInfo(names, task, inputHeight, inputWidth, stride, batch, endToEnd, kptShape, channels, p,
                sourceFormat, metadata);
    }
}
