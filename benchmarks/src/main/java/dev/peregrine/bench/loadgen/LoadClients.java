package dev.peregrine.bench.loadgen;

import dev.peregrine.bench.run.EncodedImage;
import dev.peregrine.engines.PeregrineException;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/** Opens the {@link LoadClient} of the settings' protocol. */
final class LoadClients {
    private LoadClients() {
    }

    /**
     * A client with its requests prepared from {@code images}; the tensor protocols first read the model's input
     * from the server's metadata.
     *
     * @param connections most HTTP/1.1 connections (the highest concurrency, or the open-loop cap)
     * @param budget      byte budget of prepared tensors
     */
    static LoadClient open(LoadgenSettings s, List<EncodedImage> images, int connections, long budget)
            throws PeregrineException {
        return switch (s.protocol()) {
            case DETECT -> new DetectClient(s.detectUri(), images, connections, s.timeout());
            case V2_REST -> V2RestClient.open(s.v2ModelUri(), s.v2InferUri(), s.model(), images, s.batch(), budget,
                    connections, s.timeout());
            case V2_GRPC -> V2GrpcClient.open(SocketAddress.inetSocketAddress(s.grpcPort(), s.host()),
                    s.model(), images, s.batch(), budget, s.timeout());
        };
    }
}
