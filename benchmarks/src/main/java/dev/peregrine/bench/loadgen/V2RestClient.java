package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.engines.PeregrineException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * {@link Protocol#V2_REST}: sends preprocessed FP32 tensors to the Open Inference Protocol's REST route
 * {@code POST /v2/models/{m}/infer} with the binary tensor extension (a JSON header of
 * {@code Inference-Header-Content-Length} bytes, then the raw tensor; outputs asked for as binary), as Triton's
 * {@code perf_analyzer -i http} does. The input's name and size come from {@code GET /v2/models/{m}}.
 */
final class V2RestClient extends HttpLoadClient {
    private final URI infer;
    private final List<Buffer> bodies = new ArrayList<>();
    private final List<MultiMap> headers = new ArrayList<>();

    private V2RestClient(URI infer, int connections, Duration timeout) {
        super(connections, timeout);
        this.infer = infer;
    }

    /**
     * Reads the model's metadata and prepares the request tensors.
     *
     * @param metadata    {@code /v2/models/{m}}
     * @param infer       {@code /v2/models/{m}/infer}
     * @param model       model name, for messages
     * @param batch       images per request
     * @param budget      byte budget of the prepared tensors ({@link TensorPayloads})
     * @throws PeregrineException when the metadata cannot be read, the input does not fit or an image is bad
     */
    static V2RestClient open(URI metadata, URI infer, String model, List<EncodedImage> images, int batch,
            long budget, int connections, Duration timeout) throws PeregrineException {
        V2RestClient client = new V2RestClient(infer, connections, timeout);
        try {
            TensorInput input = client.input(metadata, model, batch);
            for (byte[] tensor : TensorPayloads.build(images, input, budget)) {
                byte[] header = header(input).toBuffer().getBytes();
                client.bodies.add(Buffer.buffer(header.length + tensor.length).appendBytes(header)
                        .appendBytes(tensor));
                client.headers.add(MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/octet-stream")
                        .add("Inference-Header-Content-Length", Integer.toString(header.length)));
            }
            return client;
        } catch (PeregrineException | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The request's JSON header: one binary FP32 input, binary outputs. */
    static JsonObject header(TensorInput input) {
        JsonArray shape = new JsonArray();
        for (long d : input.shape()) {
            shape.add(d);
        }
        return new JsonObject()
                .put("inputs", new JsonArray().add(new JsonObject().put("name", input.name()).put("datatype", "FP32")
                        .put("shape", shape).put("parameters", new JsonObject().put("binary_data_size",
                                input.bytes()))))
                .put("parameters", new JsonObject().put("binary_data_output", true));
    }

    private TensorInput input(URI metadata, String model, int batch) throws PeregrineException {
        Answer answer;
        try {
            answer = getBlocking(metadata);
        } catch (CompletionException e) {
            throw PeregrineException.badInput("GET " + metadata + " failed: " + Reply.outcome(e));
        }
        if (answer.status() != 200) {
            throw PeregrineException.badInput("GET " + metadata + " answered " + answer.status() + ": "
                    + answer.body().toString().strip());
        }
        return parse(answer.body(), model, batch);
    }

    /** The first input of a model metadata answer. */
    static TensorInput parse(Buffer body, String model, int batch) throws PeregrineException {
        try {
            JsonArray inputs = new JsonObject(body).getJsonArray("inputs");
            if (inputs == null || inputs.isEmpty()) {
                throw PeregrineException.badInput("model '" + model + "' metadata lists no inputs");
            }
            JsonObject in = inputs.getJsonObject(0);
            JsonArray dims = in.getJsonArray("shape");
            if (in.getString("name") == null || dims == null) {
                throw PeregrineException.badInput("model '" + model + "' metadata: input without name or shape");
            }
            List<Long> shape = new ArrayList<>();
            for (Object d : dims) {
                shape.add(((Number) d).longValue());
            }
            return TensorInput.of(model, in.getString("name"), in.getString("datatype"), shape, batch);
        } catch (DecodeException | ClassCastException e) {
            throw PeregrineException.badInput("model '" + model + "' metadata is not the protocol's: "
                    + e.getMessage());
        }
    }

    @Override
    public int requests() {
        return bodies.size();
    }

    @Override
    public Future<Reply> send(int index) {
        return post(infer, headers.get(index), bodies.get(index));
    }


    @Override
    Reply reply(HttpClientResponse response, Buffer body) {
        return Reply.http(response.statusCode(), null);
    }
}
