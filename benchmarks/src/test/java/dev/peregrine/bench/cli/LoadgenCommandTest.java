package dev.peregrine.bench.cli;

import static dev.peregrine.server.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.cli.CliRun;
import dev.peregrine.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** {@code peregrine loadgen}'s option checks: each mistake is refused with one line before any request. */
class LoadgenCommandTest {

    private static CliRun loadgen(String... extra) throws Exception {
        String[] base = {"loadgen", "--url", "http://127.0.0.1:1", "--model", "shapes", "--images",
                Fixtures.file("images/bus.jpg").toString(), "--duration", "1s"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    @Test
    void protocolOptionsThatDoNotFitAreRefused() throws Exception {
        CliRun unknown = loadgen("--protocol", "grpc");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.err()).contains("--protocol must be one of detect, v2-rest, v2-grpc, got 'grpc'");

        CliRun batch = loadgen("--batch", "4");
        assertThat(batch.exit()).isNotZero();
        assertThat(batch.err()).contains("--batch needs --protocol v2-rest or v2-grpc");

        CliRun bare = loadgen("--protocol", "v2-grpc", "--compare-bare", "model.pt");
        assertThat(bare.exit()).isNotZero();
        assertThat(bare.err()).contains("--compare-bare needs --protocol detect");

        CliRun port = loadgen("--protocol", "v2-grpc", "--grpc-port", "70000");
        assertThat(port.exit()).isNotZero();
        assertThat(port.err()).contains("--grpc-port must be 1..65535, got 70000");
    }

    @Test
    void aServerThatIsNotThereIsNamedForTheTensorProtocols() throws Exception {
        CliRun rest = loadgen("--protocol", "v2-rest");
        assertThat(rest.exit()).isNotZero();
        assertThat(rest.err()).contains("GET http://127.0.0.1:1/v2/models/shapes failed: io-error");

        CliRun grpc = loadgen("--protocol", "v2-grpc", "--grpc-port", "1");
        assertThat(grpc.exit()).isNotZero();
        assertThat(grpc.err()).contains("gRPC ModelMetadata of 'shapes' at 127.0.0.1:1 failed");
    }
}
