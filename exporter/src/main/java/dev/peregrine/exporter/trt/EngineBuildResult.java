package dev.peregrine.exporter.trt;

import dev.peregrine.engines.trt.EngineFileHeader;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A finished build.
 *
 * @param engine             the engine file written
 * @param header             its header
 * @param planBytes          size of the TensorRT plan
 * @param took               wall time of the whole build
 * @param timingCacheWritten whether a timing cache file was written
 */
public record EngineBuildResult(Path engine, EngineFileHeader header, long planBytes, Duration took,
                                boolean timingCacheWritten) {
}
