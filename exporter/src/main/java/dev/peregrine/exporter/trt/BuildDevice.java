package dev.peregrine.exporter.trt;

import dev.peregrine.engines.trt.GpuIdentity;

/**
 * What the build checks need to know about the device: its GPU model and how many DLA cores it has (0 except on
 * Jetson AGX/NX Orin and Xavier). The native build fills it from CUDA and TensorRT; tests pass their own.
 *
 * @param gpu      the GPU model
 * @param dlaCores number of DLA cores TensorRT reports
 */
public record BuildDevice(GpuIdentity gpu, int dlaCores) {
}
