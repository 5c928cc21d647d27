package dev.peregrine.server.model;

import dev.peregrine.engines.DetectOptions;
import dev.peregrine.engines.Detector;
import dev.peregrine.engines.ModelInfo;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.PreparedImage;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;

/**
 * Runs one dummy batch of the largest size through a freshly loaded detector, so that the first real request
 * does not pay for lazy initialisation (ONNX Runtime arena growth, CUDA kernel selection, TensorRT context
 * set-up) and a model that cannot run a full batch fails at load time instead of under traffic.
 */
final class WarmUp {
    private WarmUp() {
    }

    /** Prepares a grey image of the model's input size and detects on {@code batch} copies of it. */
    static void run(Detector detector, int batch) throws PeregrineException {
        byte[] png = greyPng(detector.info());
        try (PreparedImage image = detector.prepare(png)) {
            // The same image in every slot: detect() reads images and never closes them.
            detector.detect(Collections.nCopies(batch, image), DetectOptions.defaults());
        }
    }

    /** A PNG in Ultralytics' letterbox grey (114), sized to the model input (640x640 when unknown). */
    static byte[] greyPng(ModelInfo info) {
        int w = info != null && info.inputWidth() > 0 ? info.inputWidth() : 640;
        int h = info != null && info.inputHeight() > 0 ? info.inputHeight() : 640;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        // Fill the raster directly rather than through Graphics2D, which would initialise AWT's graphics
        // environment in a headless server for nothing.
        Arrays.fill(((DataBufferByte) img.getRaster().getDataBuffer()).getData(), (byte) 114);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("encoding the warm-up image failed", e); // in-memory: cannot happen
        }
        return out.toByteArray();
    }
}
