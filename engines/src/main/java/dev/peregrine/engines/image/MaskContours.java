package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;

import dev.peregrine.engines.decode.ImageMapping;
import dev.peregrine.engines.decode.InstanceMask;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;

/**
 * Outlines of an {@link InstanceMask} as polygons in original-image pixels, the way Ultralytics computes
 * {@code masks.xy}: OpenCV's external contours of the mask at model-input resolution ({@code CHAIN_APPROX_SIMPLE}),
 * mapped with {@code scale_coords} ({@link ImageMapping}, clipped to the image). Unlike Ultralytics, which merges
 * the pieces of a mask into one polygon, every external contour is its own polygon.
 */
public final class MaskContours {
    private MaskContours() {
    }

    /** The polygons {@code x0, y0, x1, y1, ...} of the mask's outer contours, largest first. */
    public static List<float[]> polygons(InstanceMask mask) {
        ImageMapping m = mask.mapping();
        List<float[]> out = new ArrayList<>();
        if (mask.width() == 0 || mask.height() == 0) {
            return out;
        }
        byte[] bits = mask.window();
        try (Mat window = new Mat(mask.height(), mask.width(), CV_8UC1);
             MatVector contours = new MatVector();
             Mat hierarchy = new Mat();
             Point offset = new Point(mask.left(), mask.top())) {
            window.data().put(bits, 0, bits.length);
            opencv_imgproc.findContours(window, contours, hierarchy, opencv_imgproc.RETR_EXTERNAL,
                    opencv_imgproc.CHAIN_APPROX_SIMPLE, offset);
            for (long i = 0; i < contours.size(); i++) {
                try (Mat c = contours.get(i)) {
                    int n = (int) c.total();
                    int[] xy = new int[2 * n];
                    c.data().capacity(8L * n).asByteBuffer().order(java.nio.ByteOrder.nativeOrder()).asIntBuffer().get(xy);
                    float[] poly = new float[2 * n];
                    for (int p = 0; p < n; p++) {
                        poly[2 * p] = m == null ? xy[2 * p] : m.x(xy[2 * p]);
                        poly[2 * p + 1] = m == null ? xy[2 * p + 1] : m.y(xy[2 * p + 1]);
                    }
                    out.add(poly);
                }
            }
        }
        out.sort((a, b) -> Integer.compare(b.length, a.length));
        return out;
    }
}
