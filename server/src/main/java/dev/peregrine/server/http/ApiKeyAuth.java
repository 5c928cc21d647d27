package dev.peregrine.server.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Requires an API key on a route: {@code Authorization: Bearer KEY} or {@code X-API-Key: KEY}; 401 otherwise.
 *
 * <p>Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, which takes the same time whatever the
 * position of the first differing byte, and hashing first hides the key's length as well.
 */
public final class ApiKeyAuth implements Handler<RoutingContext> {
    /** Header carrying the key when {@code Authorization} is not used. */
    public static final String API_KEY_HEADER = "X-API-Key";
    private static final String BEARER = "Bearer ";

    private final byte[] expectedDigest;

    /**
     * @param apiKey the key clients must present; not empty
     */
    public ApiKeyAuth(String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            throw new IllegalArgumentException("API key must not be empty");
        }
        this.expectedDigest = sha256(apiKey);
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<String> refusal = refusal(presentedKey(ctx.request().headers()));
        if (refusal.isPresent()) {
            ctx.fail(HttpProblem.unauthorized(refusal.get()));
            return;
        }
        ctx.next();
    }

    /**
     * Why a request presenting {@code presented} (null: none) is refused, or empty when the key is right. Shared by
     * the REST routes and gRPC (whose metadata carries the same headers).
     */
    Optional<String> refusal(String presented) {
        if (presented == null) {
            return Optional.of("this endpoint needs an API key: send 'Authorization: Bearer KEY' or '"
                    + API_KEY_HEADER + ": KEY'");
        }
        if (!MessageDigest.isEqual(expectedDigest, sha256(presented))) {
            return Optional.of("wrong API key");
        }
        return Optional.empty();
    }

    /** The key in the request's headers (or gRPC metadata), or null when none is sent. */
    static String presentedKey(MultiMap headers) {
        String auth = headers.get(HttpHeaders.AUTHORIZATION);
        if (auth != null && auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return auth.substring(BEARER.length()).trim();
        }
        return headers.get(API_KEY_HEADER);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
