package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import io.vertx.core.VertxException;
import io.vertx.core.json.DecodeException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The single mapping from failures to HTTP answers. */
class ApiErrorTest {

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeKeepsItsStatusAndMessage(ErrorCode code) {
        ApiError e = ApiError.of(new CompletionException(new PeregrineException(code, "what went wrong")));
        assertThat(e.status()).isEqualTo(code.httpStatus());
        assertThat(e.error()).isEqualTo(code.name().toLowerCase());
        assertThat(e.message()).isEqualTo("what went wrong");
        assertThat(e.retryable()).isEqualTo(code.httpStatus() == 503);
        assertThat(e.toJson().fieldNames()).containsExactlyInAnyOrder("error", "message");
    }

    @Test
    void httpProblemsKeepTheirStatus() {
        assertThat(ApiError.of(HttpProblem.unauthorized("no key")).status()).isEqualTo(401);
        assertThat(ApiError.of(HttpProblem.unsupportedMediaType("text")).status()).isEqualTo(415);
    }

    @Test
    void malformedJsonIsBadInputAndBugsAre500WithoutDetails() {
        assertThat(ApiError.of(new DecodeException("Unexpected character")).status()).isEqualTo(400);
        ApiError bug = ApiError.of(new NullPointerException("secret internals"));
        assertThat(bug.status()).isEqualTo(500);
        assertThat(bug.message()).doesNotContain("secret internals");
        assertThat(ApiError.of(new CancellationException()).status()).isEqualTo(504);
    }

    @Test
    void routingStatusesWithoutOurExceptionsKeepTheirStatus() {
        assertThat(ApiError.of(null, 413).error()).isEqualTo("too_large");
        assertThat(ApiError.of(null, 405).status()).isEqualTo(405);
        ApiError cors = ApiError.of(new VertxException("CORS Rejected - Invalid origin"), 403);
        assertThat(cors.status()).isEqualTo(403);
        assertThat(cors.message()).contains("CORS");
    }
}
