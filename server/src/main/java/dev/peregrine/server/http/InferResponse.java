package dev.peregrine.server.http;

import dev.peregrine.server.http.InferRequest.RequestedOutput;
import dev.peregrine.server.http.TensorModel.RawOutput;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the Open Inference Protocol inference response: JSON
 * {@code {model_name, id?, outputs: [{name, datatype, shape, data | parameters.binary_data_size}]}}, followed by the
 * binary data of the outputs that asked for it (little-endian FP32), whose JSON length then goes into
 * {@code Inference-Header-Content-Length}. The binary data is the output's own native memory ({@link TensorBytes}),
 * written after the JSON without a copy; the response holds the output's reference until {@link #release()}.
 *
 * @param json          the JSON part (the whole body when no output is binary)
 * @param data          the output's bytes when at least one requested output is binary, else null
 * @param binaryCopies  how many times the bytes follow the JSON (once per output asked for as binary)
 */
record InferResponse(Buffer json, TensorBytes data, int binaryCopies) {

    /** Media type of a body that carries binary tensor data after its JSON header. */
    static final String BINARY_TYPE = "application/octet-stream";

    /** True when binary data follows the JSON header. */
    boolean binary() {
        return data != null;
    }

    /** Length of the JSON part, for {@code Inference-Header-Content-Length}. */
    int headerLength() {
        return json.length();
    }

    /**
     * The body's parts: the JSON, then the binary data once per binary output, over the output's memory (valid
     * until released). Written one by one ({@link Responses#send(io.vertx.core.http.HttpServerResponse, int, String,
     * List)}), never composed: the JSON is on the heap, the data in native memory.
     */
    List<Buffer> parts() {
        List<Buffer> parts = new ArrayList<>(1 + binaryCopies);
        parts.add(json);
        for (int i = 0; data != null && i < binaryCopies; i++) {
            parts.add(BufferInternal.buffer(data.asByteBuf()));
        }
        return parts;
    }

    /** Gives the output's memory back; call exactly once, when the body is written (or will not be). */
    void release() {
        if (data != null) {
            data.release();
        }
    }

    /**
     * The response for {@code output} of a request that asked for {@code requested}. Takes over the output's
     * reference: kept by the response when some output is binary, released here otherwise (or on failure).
     */
    static InferResponse of(String model, String id, List<RequestedOutput> requested, RawOutput output) {
        boolean keep = false;
        try {
            JsonArray outputs = new JsonArray();
            int copies = 0;
            for (RequestedOutput r : requested) {
                JsonObject o = new JsonObject().put("name", output.name()).put("datatype", "FP32")
                        .put("shape", shape(output.shape()));
                if (r.binary()) {
                    copies++;
                    o.put("parameters", new JsonObject().put("binary_data_size", (long) output.data().byteCount()));
                } else {
                    JsonArray values = new JsonArray();
                    for (float f : output.data().toArray()) {
                        values.add(f);
                    }
                    o.put("data", values);
                }
                outputs.add(o);
            }
            JsonObject json = new JsonObject().put("model_name", model);
            if (id != null) {
                json.put("id", id);
            }
            json.put("outputs", outputs);
            keep = copies > 0;
            return new InferResponse(json.toBuffer(), keep ? output.data() : null, copies);
        } finally {
            if (!keep) {
                output.data().release();
            }
        }
    }

    private static JsonArray shape(long[] shape) {
        JsonArray a = new JsonArray();
        for (long d : shape) {
            a.add(d);
        }
        return a;
    }
}
