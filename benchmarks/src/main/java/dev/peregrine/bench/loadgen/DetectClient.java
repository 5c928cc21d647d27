package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.run.EncodedImage;
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
import java.util.Locale;

/**
 * {@link Protocol#DETECT}: sends encoded images with their media type to {@code POST /v1/models/{m}/detect}, the
 * whole server pipeline (decode, letterbox, batch, engine, decoding, NMS, JSON), and reads the server's stage times
 * from each answer.
 */
final class DetectClient extends HttpLoadClient {
    private final URI detect;
    private final List<Buffer> bodies = new ArrayList<>();
    private final List<MultiMap> headers = new ArrayList<>();

    /**
     * @param detect      the detect endpoint
     * @param images      the images to send, request {@code i} is image {@code i}
     * @param connections most connections kept open (requests beyond them wait for one)
     * @param timeout     per-request timeout: no answer within it ends the request as {@code timeout}
     */
    DetectClient(URI detect, List<EncodedImage> images, int connections, Duration timeout) {
        super(connections, timeout);
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        this.detect = detect;
        for (EncodedImage image : images) {
            bodies.add(Buffer.buffer(image.bytes()));
            headers.add(MultiMap.caseInsensitiveMultiMap().add("Content-Type", mediaType(image.name())));
        }
    }

    @Override
    public int requests() {
        return bodies.size();
    }

    @Override
    public Future<Reply> send(int index) {
        return post(detect, headers.get(index), bodies.get(index));
    }


    @Override
    Reply reply(HttpClientResponse response, Buffer body) {
        return Reply.http(response.statusCode(), response.statusCode() == 200 ? split(body) : null);
    }

    /** The stage times of a detect answer's first image, or null when the body has none. */
    static Reply.StageSplit split(Buffer body) {
        try {
            JsonArray images = new JsonObject(body).getJsonArray("images");
            JsonObject timing = images == null || images.isEmpty() ? null
                    : images.getJsonObject(0).getJsonObject("timing_ms");
            if (timing == null || timing.getNumber("preprocess") == null || timing.getNumber("inference") == null) {
                return null;
            }
            return new Reply.StageSplit(timing.getDouble("preprocess"), timing.getDouble("inference"));
        } catch (DecodeException | ClassCastException e) {
            return null; // not a Peregrine detect answer: no split, the latency still counts
        }
    }

    /** Media type from the file extension. */
    static String mediaType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return "image/png";
        }
        if (n.endsWith(".bmp")) {
            return "image/bmp";
        }
        if (n.endsWith(".webp")) {
            return "image/webp";
        }
        return "image/jpeg";
    }
}
