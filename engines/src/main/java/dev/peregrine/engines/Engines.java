package dev.peregrine.engines;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Entry point that picks an {@link EngineProvider} for a config from those on the class path. */
public final class Engines {
    private Engines() {
    }

    /** All providers on the class path, in ServiceLoader order. */
    public static List<EngineProvider> providers() {
        List<EngineProvider> list = new ArrayList<>();
        ServiceLoader.load(EngineProvider.class).forEach(list::add);
        return list;
    }

    /** Opens {@code config} with the first provider that accepts it. */
    public static Engine open(EngineConfig config) throws PeregrineException {
        if (!Files.isRegularFile(config.model())) {
            throw PeregrineException.notFound("model file not found: " + config.model());
        }
        List<String> names = new ArrayList<>();
        for (EngineProvider p : providers()) {
            names.add(p.name());
            if (p.accepts(config)) {
                return p.create(config);
            }
        }
        throw PeregrineException.unsupported("no engine provider accepts " + config.model().getFileName() + " on "
                + config.device() + " (providers: " + names + ")");
    }
}
