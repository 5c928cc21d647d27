package dev.peregrine.bench.run;

/**
 * An image file read into memory, as a server receives it.
 *
 * @param name  file name (for matching against reference predictions)
 * @param bytes the encoded bytes (JPEG, PNG, BMP or WebP)
 */
public record EncodedImage(String name, byte[] bytes) {
}
