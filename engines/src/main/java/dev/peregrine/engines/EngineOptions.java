package dev.peregrine.engines;

/**
 * Typed options of one engine provider (e.g. {@code OrtOptions}, {@code TrtOptions}). Each provider declares
 * its own record implementing this marker; there are no string-keyed option maps.
 */
public interface EngineOptions {
}
