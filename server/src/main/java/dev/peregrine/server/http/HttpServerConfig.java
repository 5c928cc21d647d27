package dev.peregrine.server.http;

import java.time.Duration;

/**
 * Settings of the HTTP side of {@code peregrine serve}.
 *
 * @param host            interface to bind, e.g. {@code 0.0.0.0}
 * @param port            TCP port; 0 picks a free one
 * @param bodyLimitBytes  largest request body (413 above)
 * @param maxPixels       largest declared width x height of an image (413 above), checked before decoding
 * @param apiKey          key clients must send, or null for none
 * @param corsOrigin      origin allowed by CORS ({@code *} for any), or null to send no CORS headers
 * @param requestTimeout  deadline of a request; clients may only shorten it (504 when it passes)
 * @param shutdownGrace   how long shutdown lets queued work finish before answering the rest 503
 * @param workerThreads   threads that decode and letterbox images
 * @param admissionBytes  request body bytes the server holds at once before they reach a queue (503 above)
 * @param grpcPort        TCP port of the Open Inference Protocol over gRPC (HTTP/2 cleartext), 0 for a free one, -1
 *                        for none
 */
public record HttpServerConfig(String host, int port, long bodyLimitBytes, long maxPixels, String apiKey,
        String corsOrigin, Duration requestTimeout, Duration shutdownGrace, int workerThreads, long admissionBytes,
        int grpcPort) {

    /** Defaults of the {@code serve} command. */
    public static final long DEFAULT_BODY_LIMIT = 20L << 20;
    /** Default pixel limit: 40 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    public HttpServerConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (grpcPort < -1 || grpcPort > 65535) {
            throw new IllegalArgumentException("gRPC port must be in [0, 65535] (or -1 for none), got " + grpcPort);
        }
        if (bodyLimitBytes < 1 || maxPixels < 1 || workerThreads < 1 || admissionBytes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive, got " + requestTimeout);
        }
        if (apiKey != null && apiKey.isEmpty()) {
            apiKey = null;
        }
    }

    /** Local defaults on {@code port} (loopback, no key, no CORS); used by tests and embedding code. */
    public static HttpServerConfig defaults(int port) {
        return new HttpServerConfig("127.0.0.1", port, DEFAULT_BODY_LIMIT, DEFAULT_MAX_PIXELS, null, null,
                Duration.ofSeconds(10), Duration.ofSeconds(10), Runtime.getRuntime().availableProcessors(),
                256L << 20, -1);
    }

    /** A copy with another API key. */
    public HttpServerConfig withApiKey(String key) {
        return new HttpServerConfig(host, port, bodyLimitBytes, maxPixels, key, corsOrigin, requestTimeout,
                shutdownGrace, workerThreads, admissionBytes, grpcPort);
    }

    /** A copy with another body limit. */
    public HttpServerConfig withBodyLimit(long bytes) {
        return new HttpServerConfig(host, port, bytes, maxPixels, apiKey, corsOrigin, requestTimeout, shutdownGrace,
                workerThreads, admissionBytes, grpcPort);
    }

    /** A copy with another request timeout. */
    public HttpServerConfig withRequestTimeout(Duration timeout) {
        return new HttpServerConfig(host, port, bodyLimitBytes, maxPixels, apiKey, corsOrigin, timeout,
                shutdownGrace, workerThreads, admissionBytes, grpcPort);
    }

    /** A copy with another CORS origin. */
    public HttpServerConfig withCors(String origin) {
        return new HttpServerConfig(host, port, bodyLimitBytes, maxPixels, apiKey, origin, requestTimeout,
                shutdownGrace, workerThreads, admissionBytes, grpcPort);
    }

    /** A copy with another pixel limit. */
    public HttpServerConfig withMaxPixels(long pixels) {
        return new HttpServerConfig(host, port, bodyLimitBytes, pixels, apiKey, corsOrigin, requestTimeout,
                shutdownGrace, workerThreads, admissionBytes, grpcPort);
    }

    /** A copy with another admission byte budget. */
    public HttpServerConfig withAdmissionBytes(long bytes) {
        return new HttpServerConfig(host, port, bodyLimitBytes, maxPixels, apiKey, corsOrigin, requestTimeout,
                shutdownGrace, workerThreads, bytes, grpcPort);
    }

    /** A copy serving gRPC on {@code port} (0: a free port; -1: no gRPC). */
    public HttpServerConfig withGrpcPort(int port) {
        return new HttpServerConfig(host, this.port, bodyLimitBytes, maxPixels, apiKey, corsOrigin, requestTimeout,
                shutdownGrace, workerThreads, admissionBytes, port);
    }
}
