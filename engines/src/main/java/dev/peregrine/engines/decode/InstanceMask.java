package dev.peregrine.engines.decode;

import dev.peregrine.engines.Detection;

/**
 * The segmentation mask of one detection, at model-input resolution like Ultralytics' {@code masks.data} (with its
 * default {@code retina_masks=False}): a binary image over the {@code canvasWidth x canvasHeight} model input, of
 * which only the window that can hold mask pixels ({@code left, top, width, height}) is stored. With an
 * {@link ImageMapping} (set by {@link dev.peregrine.engines.Detector#detect}) it also knows how the input maps to the
 * original image, for drawing and outlines. Immutable.
 */
public final class InstanceMask implements Detection.Extra {
    private final int canvasWidth;
    private final int canvasHeight;
    private final int left;
    private final int top;
    private final int width;
    private final int height;
    private final byte[] bits;
    private final int pixelCount;
    private final ImageMapping mapping;

    /**
     * @param canvasWidth  model input width
     * @param canvasHeight model input height
     * @param left         first column of the stored window
     * @param top          first row of the stored window
     * @param width        window width
     * @param height       window height
     * @param bits         {@code width * height} values, row-major, non-zero where the mask is set; copied
     */
    public InstanceMask(int canvasWidth, int canvasHeight, int left, int top, int width, int height, byte[] bits) {
        this(canvasWidth, canvasHeight, left, top, width, height, normalised(bits, width, height), null);
        if (left < 0 || top < 0 || left + width > canvasWidth || top + height > canvasHeight) {
            throw new IllegalArgumentException("mask window " + left + "," + top + " " + width + "x" + height
                    + " is not inside the " + canvasWidth + "x" + canvasHeight + " canvas");
        }
    }

    private InstanceMask(int canvasWidth, int canvasHeight, int left, int top, int width, int height, byte[] bits,
            ImageMapping mapping) {
        this.canvasWidth = canvasWidth;
        this.canvasHeight = canvasHeight;
        this.left = left;
        this.top = top;
        this.width = width;
        this.height = height;
        this.bits = bits;
        this.mapping = mapping;
        int n = 0;
        for (byte b : bits) {
            n += b;
        }
        this.pixelCount = n;
    }

    private static byte[] normalised(byte[] bits, int width, int height) {
        if (width < 0 || height < 0 || bits.length != width * height) {
            throw new IllegalArgumentException("mask window " + width + "x" + height + " needs " + width * height
                    + " values, got " + bits.length);
        }
        byte[] out = new byte[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = (byte) (bits[i] != 0 ? 1 : 0);
        }
        return out;
    }

    /** The same mask, mapped to an original image with {@code m}. */
    public InstanceMask withMapping(ImageMapping m) {
        return new InstanceMask(canvasWidth, canvasHeight, left, top, width, height, bits, m);
    }

    /** How the canvas maps to the original image, or null when the canvas is the image. */
    public ImageMapping mapping() {
        return mapping;
    }

    /** Mask pixels at model-input resolution (Ultralytics' {@code masks.data[i].sum()}). */
    public int pixelCount() {
        return pixelCount;
    }

    /** True when the canvas pixel {@code (x, y)} belongs to the mask (false outside the canvas). */
    public boolean contains(int x, int y) {
        int wx = x - left;
        int wy = y - top;
        return wx >= 0 && wy >= 0 && wx < width && wy < height && bits[wy * width + wx] != 0;
    }

    /**
     * Bilinear coverage (0..1) of the mask at a canvas position in pixel coordinates (pixel centres at +0.5), for
     * drawing the mask at another resolution.
     */
    public float coverage(float x, float y) {
        float fx = x - 0.5f;
        float fy = y - 0.5f;
        int x0 = (int) Math.floor(fx);
        int y0 = (int) Math.floor(fy);
        float ax = fx - x0;
        float ay = fy - y0;
        return (1 - ay) * ((1 - ax) * bit(x0, y0) + ax * bit(x0 + 1, y0))
                + ay * ((1 - ax) * bit(x0, y0 + 1) + ax * bit(x0 + 1, y0 + 1));
    }

    private float bit(int x, int y) {
        return contains(x, y) ? 1f : 0f;
    }

    /** Model input width. */
    public int canvasWidth() {
        return canvasWidth;
    }

    /** Model input height. */
    public int canvasHeight() {
        return canvasHeight;
    }

    /** First column of the stored window. */
    public int left() {
        return left;
    }

    /** First row of the stored window. */
    public int top() {
        return top;
    }

    /** Width of the stored window. */
    public int width() {
        return width;
    }

    /** Height of the stored window. */
    public int height() {
        return height;
    }

    /** The window's values (0 or 1), row-major; a copy. */
    public byte[] window() {
        return bits.clone();
    }

    @Override
    public String toString() {
        return "InstanceMask[" + pixelCount + " px in " + width + "x" + height + " at " + left + "," + top + " of "
                + canvasWidth + "x" + canvasHeight + "]";
    }
}
