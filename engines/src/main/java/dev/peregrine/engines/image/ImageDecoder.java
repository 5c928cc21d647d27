package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import java.nio.ByteBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns untrusted encoded image bytes (JPEG, PNG, BMP, WebP) into a BGR {@link Mat}, the layout Ultralytics'
 * predictor reads with {@code cv2.imread}.
 *
 * <p>The header is read first, by Peregrine's own code ({@link #probe}), so that unknown formats and images whose
 * pixel count exceeds the caller's limit are refused before OpenCV allocates anything; a structural check of the
 * stream ({@link StreamIntegrity}) then refuses truncated JPEG, PNG and WebP data, which the codecs would
 * otherwise half-decode or answer with huge allocations. OpenCV's C++ exceptions
 * arrive as Java exceptions through JavaCPP and are turned into {@code BAD_INPUT}; they never reach the JVM as a
 * crash. Thread-safe: every call uses only its own native objects.
 */
public final class ImageDecoder {
    /** A default pixel limit for callers without their own: 64 megapixels (8192 x 8192). */
    public static final long DEFAULT_MAX_PIXELS = 8192L * 8192L;

    private ImageDecoder() {
    }

    /**
     * Identifies the format by its magic bytes and reads the size from the header, without decoding pixels.
     *
     * @param bytes the encoded image
     * @return format ({@code jpeg|png|bmp|webp}), width and height
     * @throws PeregrineException BAD_INPUT for empty data, an unknown format or a truncated or corrupt header
     */
    public static ImageHeader probe(byte[] bytes) throws PeregrineException {
        return HeaderProbe.probe(bytes == null ? null : ByteBuffer.wrap(bytes));
    }

    /**
     * {@link #probe(byte[])} for the bytes between {@code encoded}'s position and limit, which stay as they are.
     */
    public static ImageHeader probe(ByteBuffer encoded) throws PeregrineException {
        return HeaderProbe.probe(encoded == null ? null : encoded.slice());
    }

    /**
     * Decodes an image to 8-bit 3-channel BGR. Greyscale, 16-bit and alpha images are converted the way
     * {@code cv2.IMREAD_COLOR} does (alpha dropped); an EXIF orientation is applied, as {@code cv2.imread} does.
     *
     * @param bytes     the encoded image
     * @param maxPixels the largest accepted width x height, checked against the header before decoding
     * @return a new CV_8UC3 Mat the caller owns and closes
     * @throws PeregrineException TOO_LARGE when the header declares more than {@code maxPixels} pixels; BAD_INPUT
     *                            for empty, unknown, truncated or corrupt data
     */
    public static Mat decode(byte[] bytes, long maxPixels) throws PeregrineException {
        return decode(bytes == null ? null : ByteBuffer.wrap(bytes), maxPixels);
    }

    /**
     * {@link #decode(byte[], long)} for the bytes between {@code encoded}'s position and limit, which stay as they
     * are. A direct buffer is handed to OpenCV where it lies, without a copy: the server keeps request bodies in
     * (pooled) native memory so that no image passes through the Java heap.
     */
    public static Mat decode(ByteBuffer encoded, long maxPixels) throws PeregrineException {
        if (encoded == null) {
            throw PeregrineException.badInput("image is empty (0 bytes)");
        }
        ByteBuffer bytes = encoded.slice();
        ImageHeader header = HeaderProbe.probe(bytes);
        if (header.pixels() > maxPixels) {
            throw new PeregrineException(ErrorCode.TOO_LARGE, "image is " + header.width() + "x" + header.height()
                    + " = " + header.pixels() + " pixels, more than the limit of " + maxPixels + " pixels");
        }
        StreamIntegrity.check(header, bytes);
        Mat decoded = imdecode(bytes, header);
        if (decoded.type() != CV_8UC3) {
            int type = decoded.type();
            decoded.close();
            throw PeregrineException.badInput(header.format() + " decoded to unexpected OpenCV type " + type);
        }
        return decoded;
    }

    /**
     * Runs OpenCV's decoder over the bytes (index 0 to limit): in place for a direct buffer, else over a native
     * copy; an empty result or a C++ exception is BAD_INPUT.
     */
    private static Mat imdecode(ByteBuffer bytes, ImageHeader header) throws PeregrineException {
        Mat decoded;
        int length = bytes.limit();
        try (BytePointer data = bytes.isDirect() ? new BytePointer(bytes) : nativeCopy(bytes);
             Mat encoded = new Mat(1, length, CV_8UC1, data)) {
            decoded = opencv_imgcodecs.imdecode(encoded, opencv_imgcodecs.IMREAD_COLOR);
        } catch (RuntimeException e) {
            throw new PeregrineException(ErrorCode.BAD_INPUT, "corrupt " + header.format() + " image ("
                    + header.width() + "x" + header.height() + "): the decoder failed: " + e.getMessage(), e);
        }
        if (decoded == null || decoded.empty()) {
            if (decoded != null) {
                decoded.close();
            }
            throw PeregrineException.badInput("corrupt or truncated " + header.format() + " image (header says "
                    + header.width() + "x" + header.height() + ", " + length + " bytes): it does not decode");
        }
        return decoded;
    }

    /** A native copy of a heap buffer's bytes (index 0 to limit). */
    private static BytePointer nativeCopy(ByteBuffer heap) {
        if (heap.hasArray()) {
            return new BytePointer(heap.limit()).put(heap.array(), heap.arrayOffset(), heap.limit());
        }
        byte[] copy = new byte[heap.limit()]; // a read-only heap buffer: no array to copy from
        heap.duplicate().position(0).get(copy);
        return new BytePointer(copy);
    }
}
