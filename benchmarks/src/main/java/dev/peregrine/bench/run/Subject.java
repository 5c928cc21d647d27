package dev.peregrine.bench.run;

import dev.peregrine.bench.report.Stage;

/**
 * One contender of a comparison at one batch size: who, how, which stage, and the call to time.
 *
 * @param subject {@code onnxruntime}, {@code peregrine}, {@code djl}
 * @param variant the configuration, for reports
 * @param stage   the part of the image-to-detections path the call covers
 * @param batch   images per call
 * @param call    the timed call
 */
public record Subject(String subject, String variant, Stage stage, int batch, TimedLoop.Call call) {
}
