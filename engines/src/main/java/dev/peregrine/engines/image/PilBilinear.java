package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Pillow's bilinear resize of 8-bit images ({@code Image.resize(size, BILINEAR)}, which torchvision's
 * {@code Resize} calls for PIL images and Ultralytics' classification preprocessing therefore uses), so that the
 * pixels equal Pillow's: a triangle filter whose support widens with the reduction factor (antialiasing), weights
 * normalised per output pixel and converted to 22-bit fixed point, a horizontal pass rounded to 8 bits, then a
 * vertical pass rounded to 8 bits ({@code libImaging/Resample.c}).
 *
 * <p>Only a window of the resized image is computed (what a centre crop keeps); every output pixel depends only on
 * its own coefficients, so the window equals the same region of the full resize.
 */
final class PilBilinear {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double SCALE = 1 << PRECISION_BITS;

    private PilBilinear() {
    }

    /** Fixed-point filter coefficients of one axis for a window of output positions. */
    private static final class Coefficients {
        final int[] first;
        final int[] count;
        final int[][] weights;

        Coefficients(int n) {
            first = new int[n];
            count = new int[n];
            weights = new int[n][];
        }
    }

    /**
     * Resizes a BGR (or any 3-channel 8-bit) image to {@code outW x outH} and returns the window
     * {@code [left, left + width) x [top, top + height)} of the result as a new CV_8UC3 Mat the caller owns.
     */
    static Mat resizeWindow(Mat src, int outW, int outH, int left, int top, int width, int height) {
        if (src.type() != CV_8UC3 || outW < 1 || outH < 1 || left < 0 || top < 0 || left + width > outW
                || top + height > outH || width < 1 || height < 1) {
            throw new IllegalArgumentException("bad resize window " + left + "," + top + " " + width + "x" + height
                    + " of " + outW + "x" + outH + " for a " + src.cols() + "x" + src.rows() + " image of type "
                    + src.type());
        }
        int inW = src.cols();
        int inH = src.rows();
        Coefficients horizontal = coefficients(inW, outW, left, width);
        Coefficients vertical = coefficients(inH, outH, top, height);
        int firstRow = Integer.MAX_VALUE;
        int endRow = 0;
        for (int y = 0; y < height; y++) {
            firstRow = Math.min(firstRow, vertical.first[y]);
            endRow = Math.max(endRow, vertical.first[y] + vertical.count[y]);
        }
        // Horizontal pass over the input rows the window needs, rounded to 8 bits like Pillow's intermediate image.
        int rowBytes = width * 3;
        byte[] tmp = new byte[(endRow - firstRow) * rowBytes];
        byte[] row = new byte[inW * 3];
        long step = src.step();
        BytePointer data = src.data();
        for (int y = firstRow; y < endRow; y++) {
            data.position(y * step).get(row, 0, row.length);
            int o = (y - firstRow) * rowBytes;
            for (int x = 0; x < width; x++) {
                int[] k = horizontal.weights[x];
                int p = horizontal.first[x] * 3;
                int s0 = 1 << (PRECISION_BITS - 1);
                int s1 = s0;
                int s2 = s0;
                for (int i = 0; i < k.length; i++, p += 3) {
                    s0 += (row[p] & 0xFF) * k[i];
                    s1 += (row[p + 1] & 0xFF) * k[i];
                    s2 += (row[p + 2] & 0xFF) * k[i];
                }
                tmp[o++] = clip8(s0);
                tmp[o++] = clip8(s1);
                tmp[o++] = clip8(s2);
            }
        }
        data.position(0);
        // Vertical pass.
        byte[] out = new byte[height * rowBytes];
        for (int y = 0; y < height; y++) {
            int[] k = vertical.weights[y];
            int base = (vertical.first[y] - firstRow) * rowBytes;
            int o = y * rowBytes;
            for (int c = 0; c < rowBytes; c++) {
                int s = 1 << (PRECISION_BITS - 1);
                int p = base + c;
                for (int i = 0; i < k.length; i++, p += rowBytes) {
                    s += (tmp[p] & 0xFF) * k[i];
                }
                out[o + c] = clip8(s);
            }
        }
        Mat result = new Mat(height, width, CV_8UC3);
        result.data().put(out, 0, out.length);
        return result;
    }

    /**
     * Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc} for output positions
     * {@code [from, from + n)} of an {@code inSize -> outSize} resize with the bilinear (triangle) filter.
     */
    private static Coefficients coefficients(int inSize, int outSize, int from, int n) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // bilinear support 1.0, widened when reducing
        double ss = 1.0 / filterScale;
        Coefficients c = new Coefficients(n);
        for (int i = 0; i < n; i++) {
            double center = (from + i + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double[] k = new double[Math.max(xmax, 0)];
            double ww = 0;
            for (int x = 0; x < k.length; x++) {
                double w = triangle((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            int[] fixed = new int[k.length];
            for (int x = 0; x < k.length; x++) {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                fixed[x] = (int) (v < 0 ? -0.5 + v * SCALE : 0.5 + v * SCALE);
            }
            c.first[i] = xmin;
            c.count[i] = k.length;
            c.weights[i] = fixed;
        }
        return c;
    }

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    private static byte clip8(int v) {
        if (v >= 1 << PRECISION_BITS << 8) {
            return (byte) 255;
        }
        if (v <= 0) {
            return 0;
        }
        return (byte) (v >> PRECISION_BITS);
    }
}
