package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PooledBodies} on a bare router: bodies arrive whole in direct memory, and the failure paths (no direct
 * memory left, too large) answer with the server's status and release what they held.
 */
@ExtendWith(VertxExtension.class)
class PooledBodiesTest {

    /** A router that answers the size and directness of the collected raw body, failures as {@link ApiError}s. */
    private static int serve(Vertx vertx, PooledBodies bodies) throws Exception {
        Router router = Router.router(vertx);
        router.post("/body").handler(bodies::collectRaw).handler(ctx -> {
            List<PooledBody> got = PooledBodies.of(ctx);
            PooledBody body = got.get(0);
            ctx.response().end(body.size() + " " + body.bytes().isDirect());
        });
        router.route().failureHandler(ctx -> {
            ApiError e = ApiError.of(ctx.failure());
            ctx.response().setStatusCode(e.status()).end(e.message());
        });
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return server.actualPort();
    }

    private static HttpResponse<Buffer> post(Vertx vertx, int port, byte[] body) throws Exception {
        WebClient client = WebClient.create(vertx);
        try {
            return client.post(port, "127.0.0.1", "/body").sendBuffer(Buffer.buffer(body))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    @Test
    void aBodyArrivesWholeInDirectMemoryAndIsReleased(Vertx vertx) throws Exception {
        int port = serve(vertx, new PooledBodies(1 << 20));
        HttpResponse<Buffer> r = post(vertx, port, new byte[300_000]);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsString()).isEqualTo("300000 true");
        Poll.until("the body is back in the pool", () -> PooledBody.liveBuffers() == 0);
    }

    @Test
    void withoutDirectMemoryTheRequestIs503AndHoldsNothing(Vertx vertx) throws Exception {
        ByteBufAllocator exhausted = new AbstractByteBufAllocator(true) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                return Unpooled.buffer(initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                throw new OutOfMemoryError("Cannot reserve 65536 bytes of direct buffer memory (test)");
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        int port = serve(vertx, new PooledBodies(1 << 20, "--body-limit-mb", exhausted));
        HttpResponse<Buffer> r = post(vertx, port, new byte[1000]);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.bodyAsString()).startsWith("no memory left for request bodies").endsWith("retry later");
        assertThat(PooledBody.liveBuffers()).isZero();
    }

    @Test
    void aBodyOverTheLimitIs413(Vertx vertx) throws Exception {
        int port = serve(vertx, new PooledBodies(1000));
        HttpResponse<Buffer> r = post(vertx, port, new byte[5000]);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.bodyAsString()).contains("5000 bytes exceeds the limit of 1000 bytes");
        Poll.until("nothing is held", () -> PooledBody.liveBuffers() == 0);
    }
}
