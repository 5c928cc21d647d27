package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import dev.peregrine.engines.ErrorCode;
import dev.peregrine.engines.PeregrineException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns untrusted encoded image bytes (JPEG, PNG, BMP, WebP) into a BGR {@link Mat}, the layout Ultralytics'
 * predictor reads with {@code cv2.imread}.
 *
 * <p>The header is read first, by Peregrine's own code ({@link #probe}), so that unknown formats and images whose
 * pixel count exceeds the caller's limit are refused before OpenCV allocates anything. OpenCV's C++ exceptions
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
        return HeaderProbe.probe(bytes);
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
        ImageHeader header = probe(bytes);
        if (header.pixels() > maxPixels) {
            throw new PeregrineException(ErrorCode.TOO_LARGE, "image is " + header.width() + "x" + header.height()
                    + " = " + header.pixels() + " pixels, more than the limit of " + maxPixels + " pixels");
        }
        if ("jpeg".equals(header.format()) && !JpegStructure.hasEndOfImage(bytes)) {
            throw PeregrineException.badInput("truncated jpeg: no end-of-image marker after the scan data ("
                    + bytes.length + " bytes)");
        }
        Mat decoded = imdecode(bytes, header);
        if (decoded.type() != CV_8UC3) {
            int type = decoded.type();
            decoded.close();
            throw PeregrineException.badInput(header.format() + " decoded to unexpected OpenCV type " + type);
        }
        return decoded;
    }

    /** Runs OpenCV's decoder over a native copy of the bytes; an empty result or a C++ exception is BAD_INPUT. */
    private static Mat imdecode(byte[] bytes, ImageHeader header) throws PeregrineException {
        Mat decoded;
        try (BytePointer data = new BytePointer(bytes);
             Mat encoded = new Mat(1, bytes.length, CV_8UC1, data)) {
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
                    + header.width() + "x" + header.height() + ", " + bytes.length + " bytes): it does not decode");
        }
        return decoded;
    }
}
