package dev.peregrine.server.cli;

import java.nio.file.Path;

/** Runs CLI tests with the export cache in a folder of their own ({@code -Dperegrine.cache}). */
final class ExportCacheProperty {
    private ExportCacheProperty() {
    }

    /** A test body that may throw. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} with the export cache in {@code cache}, then restores the previous setting. */
    static void with(Path cache, Body body) throws Exception {
        String previous = System.setProperty("peregrine.cache", cache.toString());
        try {
            body.run();
        } finally {
            if (previous == null) {
                System.clearProperty("peregrine.cache");
            } else {
                System.setProperty("peregrine.cache", previous);
            }
        }
    }
}
