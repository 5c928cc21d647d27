package dev.peregrine.server.http;

import dev.peregrine.server.http.InferRequest.RequestedOutput;
import dev.peregrine.server.http.TensorModel.RawOutput;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Builds the Open Inference Protocol inference response: JSON
 * {@code {model_name, id?, outputs: [{name, datatype, shape, data | parameters.binary_data_size}]}}, followed by the
 * binary data of the outputs that asked for it (little-endian FP32), whose JSON length then goes into
 * {@code Inference-Header-Content-Length}.
 *
 * @param body         the whole body
 * @param headerLength length of the JSON part, or -1 when the body is all JSON
 */
record InferResponse(Buffer body, int headerLength) {

    /** Media type of a body that carries binary tensor data after its JSON header. */
    static final String BINARY_TYPE = "application/octet-stream";

    /** True when binary data follows the JSON header. */
    boolean binary() {
        return headerLength >= 0;
    }

    /** The response for {@code output} of a request that asked for {@code requested}. */
    static InferResponse of(String model, String id, List<RequestedOutput> requested, RawOutput output) {
        JsonArray outputs = new JsonArray();
        Buffer binary = null;
        for (RequestedOutput r : requested) {
            JsonObject o = new JsonObject().put("name", output.name()).put("datatype", "FP32")
                    .put("shape", shape(output.shape()));
            float[] data = output.data();
            if (r.binary()) {
                if (binary == null) {
                    binary = Buffer.buffer(data.length * Float.BYTES * requested.size());
                }
                for (float f : data) {
                    binary.appendFloatLE(f);
                }
                o.put("parameters", new JsonObject().put("binary_data_size", (long) data.length * Float.BYTES));
            } else {
                JsonArray values = new JsonArray();
                for (float f : data) {
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
        Buffer header = json.toBuffer();
        if (binary == null) {
            return new InferResponse(header, -1);
        }
        return new InferResponse(Buffer.buffer(header.length() + binary.length()).appendBuffer(header)
                .appendBuffer(binary), header.length());
    }

    private static JsonArray shape(long[] shape) {
        JsonArray a = new JsonArray();
        for (long d : shape) {
            a.add(d);
        }
        return a;
    }
}
