package dev.peregrine.server.http;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.engines.TensorSpec;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed Open Inference Protocol inference request for a YOLO model: one FP32 input of shape {@code [B, 3, H, W]}
 * whose data comes as JSON numbers or, with the binary tensor data extension, as little-endian bytes after the JSON
 * header ({@code Inference-Header-Content-Length} gives the header's length, the input's
 * {@code parameters.binary_data_size} its byte count).
 *
 * @param id           request id to echo, or null
 * @param batch        number of images (B)
 * @param data         {@code B * 3 * H * W} floats, positioned at 0 (a view of the body for binary data)
 * @param outputs      requested outputs in order (all outputs, as JSON, when the request names none)
 */
record InferRequest(String id, int batch, FloatBuffer data, List<RequestedOutput> outputs) {

    /** Header that carries the length of the JSON part of a binary request or response. */
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    /** Largest batch one request may carry; far above any useful size, it only guards the shape arithmetic. */
    static final int MAX_BATCH = 1024;

    /**
     * One output a client asked for.
     *
     * @param name   output name
     * @param binary answer its data as binary after the JSON header
     */
    record RequestedOutput(String name, boolean binary) {
    }

    /**
     * Parses a request body.
     *
     * @param body         the whole body, from its position to its limit (left as they are); binary tensor data
     *                     is returned as a view of it
     * @param headerLength value of {@code Inference-Header-Content-Length}, or null when the body is all JSON
     * @param input        the model's input spec ({@code [-1, 3, H, W]})
     * @param output       the model's output spec
     * @throws PeregrineException BAD_INPUT naming the field that is wrong
     */
    static InferRequest parse(ByteBuffer body, String headerLength, TensorSpec input, TensorSpec output)
            throws PeregrineException {
        int length = body.remaining();
        int jsonLength = length;
        if (headerLength != null) {
            jsonLength = (int) QueryValues.parseLong("header '" + HEADER_LENGTH + "'", headerLength, 1, length);
        }
        JsonObject json;
        try {
            // Parsed where it lies (Jackson reads the wrapped buffer as a stream), no copy of the body
            ByteBuffer header = body.slice(body.position(), jsonLength);
            json = new JsonObject(BufferInternal.buffer(Unpooled.wrappedBuffer(header)));
        } catch (DecodeException | ClassCastException e) {
            throw PeregrineException.badInput("inference request is not a JSON object"
                    + (headerLength == null ? "" : " in its first " + jsonLength + " bytes (" + HEADER_LENGTH + ")"));
        }
        JsonArray inputs = array(json, "inputs");
        if (inputs == null || inputs.size() != 1) {
            throw PeregrineException.badInput("'inputs' must list exactly one tensor, '" + input.name() + "'");
        }
        JsonObject in = object(inputs.getValue(0), "inputs[0]");
        String name = string(in, "name", "inputs[0]");
        checkName(name, input);
        String datatype = string(in, "datatype", "input '" + name + "'");
        checkDatatype(name, datatype);
        long[] shape = shape(in, name);
        int count = elementCount(name, shape, input);
        List<RequestedOutput> outputs = outputs(json, output);
        FloatBuffer data = binarySize(in, name) >= 0
                ? binaryData(body, jsonLength, headerLength, binarySize(in, name), count, name)
                : jsonData(in, count, name);
        Object id = json.getValue("id");
        if (id != null && !(id instanceof String)) {
            throw PeregrineException.badInput("'id' must be a string");
        }
        return new InferRequest((String) id, (int) shape[0], data, outputs);
    }

    /** The request's input must be the model's one input. */
    static void checkName(String name, TensorSpec input) throws PeregrineException {
        if (!input.name().equals(name)) {
            throw PeregrineException.badInput("unknown input '" + ModelNames.abbreviate(name)
                    + "': this model's input is '" + input.name() + "'");
        }
    }

    /** YOLO inputs are FP32 (the protocol's name for float32). */
    static void checkDatatype(String name, String datatype) throws PeregrineException {
        if (!"FP32".equals(datatype)) {
            throw PeregrineException.badInput("input '" + name + "' must have datatype FP32, got '"
                    + ModelNames.abbreviate(datatype) + "'");
        }
    }

    /**
     * The element count of an input of {@code shape}, which must match the model's input shape with a batch in
     * [1, {@link #MAX_BATCH}] and positive dimensions.
     */
    static int elementCount(String name, long[] shape, TensorSpec input) throws PeregrineException {
        long[] expected = input.shape();
        if (shape.length != expected.length || shape[0] < 1 || shape[0] > MAX_BATCH) {
            throw badShape(name, shape, expected);
        }
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 1 || expected[i] >= 0 && shape[i] != expected[i]) {
                throw badShape(name, shape, expected);
            }
        }
        try {
            return Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
        } catch (ArithmeticException e) {
            throw badShape(name, shape, expected);
        }
    }

    private static FloatBuffer binaryData(ByteBuffer body, int jsonLength, String headerLength, long size, int count,
            String name) throws PeregrineException {
        if (headerLength == null) {
            throw PeregrineException.badInput("input '" + name + "' has binary_data_size but the request has no "
                    + HEADER_LENGTH + " header");
        }
        long available = body.remaining() - (long) jsonLength;
        if (size != (long) count * Float.BYTES || size != available) {
            throw PeregrineException.badInput("input '" + name + "' declares binary_data_size " + size
                    + "; its shape needs " + (long) count * Float.BYTES + " bytes and the body carries " + available
                    + " after the JSON header");
        }
        // A view of the request body, no copy: the caller keeps the body alive while the inference reads it.
        return body.slice(body.position() + jsonLength, (int) size).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private static FloatBuffer jsonData(JsonObject in, int count, String name) throws PeregrineException {
        Object data = in.getValue("data");
        if (!(data instanceof JsonArray arr)) {
            throw PeregrineException.badInput("input '" + name + "' needs 'data' (a JSON array) or the binary "
                    + "data extension");
        }
        float[] out = new float[count];
        int n = flatten(arr, out, 0, name);
        if (n != count) {
            throw PeregrineException.badInput("input '" + name + "' has " + n + " values; its shape needs " + count);
        }
        return FloatBuffer.wrap(out);
    }

    /** Copies nested arrays of numbers into {@code out} row-major; returns the new fill position. */
    private static int flatten(JsonArray arr, float[] out, int pos, String name) throws PeregrineException {
        int p = pos;
        for (int i = 0; i < arr.size(); i++) {
            Object v = arr.getValue(i);
            if (v instanceof Number num) {
                if (p >= out.length) {
                    return p + 1; // too many values: the caller reports the mismatch
                }
                out[p++] = num.floatValue();
            } else if (v instanceof JsonArray inner) {
                p = flatten(inner, out, p, name);
                if (p > out.length) {
                    return p;
                }
            } else {
                throw PeregrineException.badInput("input '" + name + "' data must hold only numbers, found "
                        + (v == null ? "null" : v.getClass().getSimpleName()));
            }
        }
        return p;
    }

    private static List<RequestedOutput> outputs(JsonObject json, TensorSpec output) throws PeregrineException {
        boolean allBinary = bool(json.getValue("parameters"), "binary_data_output", false);
        JsonArray requested = array(json, "outputs");
        List<RequestedOutput> out = new ArrayList<>();
        if (requested == null || requested.isEmpty()) {
            out.add(new RequestedOutput(output.name(), allBinary));
            return out;
        }
        for (int i = 0; i < requested.size(); i++) {
            JsonObject o = object(requested.getValue(i), "outputs[" + i + "]");
            String name = string(o, "name", "outputs[" + i + "]");
            if (!output.name().equals(name)) {
                throw PeregrineException.badInput("unknown output '" + ModelNames.abbreviate(name)
                        + "': this model's output is '" + output.name() + "'");
            }
            out.add(new RequestedOutput(name, bool(o.getValue("parameters"), "binary_data", allBinary)));
        }
        return out;
    }

    private static long binarySize(JsonObject in, String name) throws PeregrineException {
        Object params = in.getValue("parameters");
        if (!(params instanceof JsonObject p) || !p.containsKey("binary_data_size")) {
            return -1;
        }
        if (!(p.getValue("binary_data_size") instanceof Number n) || n.longValue() < 0) {
            throw PeregrineException.badInput("input '" + name + "' parameter binary_data_size must be a "
                    + "non-negative integer");
        }
        return n.longValue();
    }

    private static long[] shape(JsonObject in, String name) throws PeregrineException {
        JsonArray arr = array(in, "shape");
        if (arr == null) {
            throw PeregrineException.badInput("input '" + name + "' needs 'shape'");
        }
        long[] shape = new long[arr.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(arr.getValue(i) instanceof Number n) || n.longValue() < 1 || n.doubleValue() != n.longValue()) {
                throw PeregrineException.badInput("input '" + name + "' shape must hold positive integers, got "
                        + ModelNames.abbreviate(arr.encode()));
            }
            shape[i] = n.longValue();
        }
        return shape;
    }

    private static PeregrineException badShape(String name, long[] shape, long[] expected) {
        return PeregrineException.badInput("input '" + name + "' has shape " + Arrays.toString(shape)
                + "; this model takes " + Arrays.toString(expected).replace("-1", "B") + " with B in [1, " + MAX_BATCH
                + "]");
    }

    private static boolean bool(Object params, String key, boolean fallback) throws PeregrineException {
        if (!(params instanceof JsonObject p) || !p.containsKey(key)) {
            return fallback;
        }
        if (!(p.getValue(key) instanceof Boolean b)) {
            throw PeregrineException.badInput("parameter '" + key + "' must be true or false");
        }
        return b;
    }

    private static JsonArray array(JsonObject o, String key) throws PeregrineException {
        Object v = o.getValue(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonArray a)) {
            throw PeregrineException.badInput("'" + key + "' must be a JSON array");
        }
        return a;
    }

    private static JsonObject object(Object v, String where) throws PeregrineException {
        if (!(v instanceof JsonObject o)) {
            throw PeregrineException.badInput(where + " must be a JSON object");
        }
        return o;
    }

    private static String string(JsonObject o, String key, String where) throws PeregrineException {
        if (!(o.getValue(key) instanceof String s)) {
            throw PeregrineException.badInput(where + " needs '" + key + "' (a string)");
        }
        return s;
    }
}
