package dev.peregrine.bench.run;

/**
 * Creates a {@link Peer}. A separate step to initialise the peer's runtime exists because some must come first in
 * the process: DJL's ONNX Runtime engine creates the process-wide {@code OrtEnvironment} with its own threading
 * options, which ONNX Runtime refuses once any environment exists.
 */
public interface PeerFactory {
    /** Starts the peer's runtime; called before anything else in the run touches ONNX Runtime. */
    void initialise();

    /** Loads the peer for the model of {@code ctx}. */
    Peer open(PeerContext ctx);
}
