package dev.peregrine.server.model;

import dev.peregrine.engines.PeregrineException;

import java.nio.file.Path;
import java.util.Locale;

/** The model files the server serves, told apart by extension (case-insensitive). */
public enum ModelFormat {
    /** An ONNX model, opened directly on any device (ONNX Runtime). */
    ONNX(".onnx"),
    /** A Peregrine TensorRT engine file, opened directly; CUDA devices only. */
    ENGINE(".engine"),
    /** An Ultralytics checkpoint, exported to ONNX first (cached). */
    PT(".pt");

    private final String extension;

    ModelFormat(String extension) {
        this.extension = extension;
    }

    /**
     * The format of {@code file}.
     *
     * @throws PeregrineException UNSUPPORTED for any other extension, naming the file and the ones served
     */
    public static ModelFormat of(Path file) throws PeregrineException {
        Path name = file.getFileName();
        String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        for (ModelFormat f : values()) {
            if (lower.endsWith(f.extension)) {
                return f;
            }
        }
        throw PeregrineException.unsupported("cannot run " + name + ": expected a .onnx, .engine or .pt model file");
    }
}
