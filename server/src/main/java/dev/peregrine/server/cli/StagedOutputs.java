package dev.peregrine.server.cli;

import dev.peregrine.engines.PeregrineException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.HashSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Output files of a {@code predict} run, written to hidden staging places next to their targets and moved into
 * place only by {@link #commit()}, so that a run that fails half-way leaves no partial JSON file and no partial
 * set of annotated images. {@link #close()} removes whatever was not committed.
 */
final class StagedOutputs implements AutoCloseable {
    private final Path jsonTarget;
    private final Path jsonTemp;
    private final Path saveTarget;
    private final Path saveStaging;
    private final Set<String> savedNames = new HashSet<>();
    private boolean committed;

    /**
     * Creates the staging places (and the parent directories of the targets).
     *
     * @param json    the JSON file to write, or null
     * @param saveDir the directory for annotated images, or null
     */
    StagedOutputs(Path json, Path saveDir) throws PeregrineException {
        Path tmp = null;
        Path staging = null;
        try {
            if (json != null) {
                Path abs = json.toAbsolutePath();
                if (Files.isDirectory(abs)) {
                    throw PeregrineException.badInput("--json " + json + " is a directory; give a file name");
                }
                Files.createDirectories(abs.getParent());
                // Not createTempFile: its 0600 permissions would stay on the result after the move.
                tmp = Files.createFile(abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(
                        ThreadLocalRandom.current().nextLong()) + ".partial"));
            }
            if (saveDir != null) {
                Path abs = saveDir.toAbsolutePath();
                if (Files.exists(abs) && !Files.isDirectory(abs)) {
                    throw PeregrineException.badInput("--save " + saveDir + " exists and is not a directory");
                }
                Files.createDirectories(abs.getParent());
                staging = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".partial-");
            }
        } catch (IOException e) {
            deleteQuietly(tmp);
            deleteTree(staging);
            throw PeregrineException.badInput("cannot create output files: " + e);
        } catch (PeregrineException e) {
            deleteQuietly(tmp);
            deleteTree(staging);
            throw e;
        }
        this.jsonTarget = json == null ? null : json.toAbsolutePath();
        this.jsonTemp = tmp;
        this.saveTarget = saveDir == null ? null : saveDir.toAbsolutePath();
        this.saveStaging = staging;
    }

    /** The temporary file the JSON goes to, or null without {@code --json}. */
    Path jsonTemp() {
        return jsonTemp;
    }

    /** True when annotated images are saved. */
    boolean saving() {
        return saveStaging != null;
    }

    /**
     * Stages an annotated image under a unique name derived from {@code source}'s file name ({@code .jpg}).
     *
     * @return the name it will have in the save directory
     */
    String saveImage(Path source, byte[] jpeg) throws PeregrineException {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String candidate = stem + ".jpg";
        for (int i = 2; !savedNames.add(candidate); i++) {
            candidate = stem + "_" + i + ".jpg";
        }
        try {
            Files.write(saveStaging.resolve(candidate), jpeg);
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot write annotated image " + candidate + ": " + e);
        }
        return candidate;
    }

    /** Moves everything into place. */
    void commit() throws PeregrineException {
        try {
            if (jsonTemp != null) {
                move(jsonTemp, jsonTarget);
            }
            if (saveStaging != null) {
                Files.createDirectories(saveTarget);
                try (DirectoryStream<Path> files = Files.newDirectoryStream(saveStaging)) {
                    for (Path f : files) {
                        move(f, saveTarget.resolve(f.getFileName().toString()));
                    }
                }
                Files.delete(saveStaging);
            }
            committed = true;
        } catch (IOException e) {
            throw PeregrineException.badInput("cannot move results into place: " + e);
        }
    }

    /** Removes staged files that were not committed. Idempotent. */
    @Override
    public void close() {
        if (!committed) {
            deleteQuietly(jsonTemp);
            deleteTree(saveStaging);
            committed = true;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: a leftover hidden temp file is harmless
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(StagedOutputs::deleteQuietly);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
