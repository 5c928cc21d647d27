package dev.peregrine.server.model;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * On-disk cache of ONNX exports of {@code .pt} checkpoints, so that a restart does not export again, and of other
 * files derived from a model file (the uint8-activation form of INT8 models, {@link CpuUint8Activations}). The key
 * is the SHA-256 of the source file's bytes together with the settings it was derived with (for exports, the
 * exporter's {@link PtExporter#cacheKey()} and the batch cap): a retrained checkpoint under the same name, or other
 * settings, get a new entry. Entries live in the cache directory only, never beside the source.
 *
 * <p>Entries are written to a temporary file in the cache directory and moved into place atomically, so that a
 * crash or a concurrent server never leaves (or reads) a half-written model.
 */
public final class ExportCache {
    private static final Logger log = LoggerFactory.getLogger(ExportCache.class);

    private final Path dir;

    /** A cache in {@code dir} (created on first export). */
    public ExportCache(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    /**
     * The default directory: the system property {@code peregrine.cache} when set; else {@code models/cache}
     * under the working directory when {@code models/} exists there (a checkout or container layout); else
     * {@code ~/.cache/peregrine}.
     */
    public static Path defaultDir() {
        String prop = System.getProperty("peregrine.cache");
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        Path models = Path.of("models");
        if (Files.isDirectory(models)) {
            return models.resolve("cache");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "peregrine");
    }

    /** The cache directory. */
    public Path dir() {
        return dir;
    }

    /**
     * The ONNX export of {@code pt}: the cached file when one exists for this checkpoint and these settings,
     * else a fresh export stored in the cache.
     *
     * @throws PeregrineException NOT_FOUND for a missing checkpoint, the exporter's own errors, ENGINE_FAILURE
     *                            when the cache directory cannot be written
     */
    public Path resolve(Path pt, PtExporter exporter, int maxBatch) throws PeregrineException {
        Path target = entryFor(pt, exporter, maxBatch);
        if (Files.isRegularFile(target)) {
            log.info("using cached export {} of {}", target, pt);
            return target;
        }
        log.info("exporting {} to ONNX (cached as {})", pt, target);
        long start = System.nanoTime();
        write(target, tmp -> exporter.export(pt, tmp, maxBatch));
        log.info("exported {} in {} ms", pt.getFileName(), (System.nanoTime() - start) / 1_000_000);
        return target;
    }

    /** Where the export of {@code pt} with these settings lives: {@code <stem>-<16 hex of the key>.onnx}. */
    Path entryFor(Path pt, PtExporter exporter, int maxBatch) throws PeregrineException {
        return entryFor(pt, "", exporter.cacheKey() + "\nmaxBatch=" + maxBatch);
    }

    /**
     * Where a file derived from {@code source} with {@code settings} lives:
     * {@code <stem><tag>-<16 hex of the key>.onnx}, the key being the SHA-256 of the source's content hash and the
     * settings, so that a changed source or other settings get a new entry.
     *
     * @param tag marks the kind of entry in its name (e.g. {@code -uint8act}); empty for exports
     * @throws PeregrineException NOT_FOUND when {@code source} is missing or unreadable
     */
    Path entryFor(Path source, String tag, String settings) throws PeregrineException {
        if (!Files.isRegularFile(source)) {
            throw PeregrineException.notFound("model file not found: " + source);
        }
        String content = sha256Hex(source);
        String key = sha256Hex((content + "\n" + settings).getBytes(StandardCharsets.UTF_8));
        String file = source.getFileName().toString();
        String stem = stripModelExtension(file) + tag;
        return dir.resolve(stem.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + key.substring(0, 16) + ".onnx");
    }

    /** {@code file} without a {@code .pt} or {@code .onnx} extension. */
    private static String stripModelExtension(String file) {
        for (String ext : new String[] {".pt", ".onnx"}) {
            if (file.endsWith(ext)) {
                return file.substring(0, file.length() - ext.length());
            }
        }
        return file;
    }

    /** Writes the content of one cache entry into a temporary file that the cache then moves into place. */
    @FunctionalInterface
    interface EntryWriter {
        /** Writes the entry to {@code tmp} (an existing, empty file in the cache directory). */
        void write(Path tmp) throws PeregrineException;
    }

    /**
     * Writes the entry {@code target} with {@code writer}: into a temporary file in the cache directory, then moved
     * into place atomically, so that a crash or a concurrent server never leaves (or reads) a half-written model.
     *
     * @throws PeregrineException the writer's own errors; ENGINE_FAILURE when the cache directory cannot be written
     */
    void write(Path target, EntryWriter writer) throws PeregrineException {
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".tmp");
            writer.write(tmp);
            moveIntoPlace(tmp, target);
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.ENGINE_FAILURE, "cannot write the export cache " + dir + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stale .tmp file is harmless
                }
            }
        }
    }

    private static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String sha256Hex(Path file) throws PeregrineException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new PeregrineException(ErrorCode.NOT_FOUND, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE has SHA-256", e);
        }
    }
}
