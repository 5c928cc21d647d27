package dev.peregrine.bench.loadgen;

import dev.peregrine.engines.PeregrineException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code peregrine loadgen} sends, and where. */
public enum Protocol {
    /** Encoded images to {@code POST /v1/models/{m}/detect}: the whole pipeline, detections as JSON. */
    DETECT("detect"),
    /** Preprocessed FP32 tensors to {@code POST /v2/models/{m}/infer} (KServe v2 REST, binary extension). */
    V2_REST("v2-rest"),
    /** Preprocessed FP32 tensors to {@code inference.GRPCInferenceService/ModelInfer} (KServe v2 gRPC). */
    V2_GRPC("v2-grpc");

    private final String cliName;

    Protocol(String cliName) {
        this.cliName = cliName;
    }

    /** The name on the command line and in reports. */
    public String cliName() {
        return cliName;
    }

    /** Whether requests carry model input tensors (the client preprocesses) rather than encoded images. */
    public boolean sendsTensors() {
        return this != DETECT;
    }

    /** Parses a {@code --protocol} value. */
    public static Protocol parse(String value) throws PeregrineException {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Protocol p : values()) {
            if (p.cliName.equals(v)) {
                return p;
            }
        }
        throw PeregrineException.badInput("--protocol must be one of " + Arrays.stream(values())
                .map(Protocol::cliName).collect(Collectors.joining(", ")) + ", got '" + value + "'");
    }
}
