package dev.peregrine.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.engines.Device;
import dev.peregrine.engines.PeregrineException;
import dev.peregrine.server.batch.BatchPolicy;
import dev.peregrine.server.model.ModelLoader;
import dev.peregrine.server.model.ModelRegistry;
import dev.peregrine.server.model.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ModelRepositoryTest {

    @Test
    void indexNamesEveryModelWithTritonsStateAndWhyOneIsUnavailable() throws Exception {
        ModelLoader loader = s -> {
            if (s.name().equals("broken")) {
                throw PeregrineException.notFound("model file not found: broken.onnx");
            }
            return new FakeDetector(0);
        };
        List<ModelSpec> specs = List.of(
                new ModelSpec("zebra", Path.of("z.onnx"), Device.CPU, BatchPolicy.defaults(4), 1),
                new ModelSpec("broken", Path.of("broken.onnx"), Device.CPU, BatchPolicy.defaults(4), 1));
        try (ModelRegistry registry = ModelRegistry.load(specs, loader)) {
            registry.loaded().get(60, TimeUnit.SECONDS);
            ModelRepository repository = new ModelRepository(registry);
            assertThat(repository.index(false)).containsExactly(
                    new ModelRepository.Entry("broken", "1", "UNAVAILABLE", "model file not found: broken.onnx"),
                    new ModelRepository.Entry("zebra", "1", "READY", ""));
            assertThat(repository.index(true)).containsExactly(new ModelRepository.Entry("zebra", "1", "READY", ""));
        }
        assertThat(ModelRepository.modelControlRefused("load", "zebra").getMessage())
                .startsWith("cannot load model 'zebra': explicit model control is not available");
    }
}
