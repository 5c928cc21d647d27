package dev.peregrine.engines.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import dev.peregrine.testing.Fixtures;

/** Small images made with OpenCV for the tests, and the fixture images. */
final class TestImages {
    private TestImages() {
    }

    /** A {@code w x h} BGR image with a colour gradient, so that every pixel differs. */
    static Mat gradient(int w, int h) {
        Mat m = new Mat(h, w, CV_8UC3, new Scalar(0, 0, 0, 0));
        try (BytePointer p = new BytePointer(m.data())) {
            p.capacity((long) w * h * 3);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    long i = ((long) y * w + x) * 3;
                    p.put(i, (byte) (x * 255 / Math.max(1, w - 1)));
                    p.put(i + 1, (byte) (y * 255 / Math.max(1, h - 1)));
                    p.put(i + 2, (byte) ((x + y) * 7));
                }
            }
        }
        return m;
    }

    /** Encodes {@code m} with OpenCV; {@code ext} like {@code .png}. */
    static byte[] encode(Mat m, String ext) {
        try (BytePointer out = new BytePointer()) {
            if (!opencv_imgcodecs.imencode(ext, m, out)) {
                throw new IllegalStateException("imencode " + ext + " failed");
            }
            byte[] b = new byte[(int) out.limit()];
            out.get(b);
            return b;
        }
    }

    /** A gradient image of the given size encoded as {@code ext}. */
    static byte[] encoded(int w, int h, String ext) {
        try (Mat m = gradient(w, h)) {
            return encode(m, ext);
        }
    }

    /** Bytes of a fixture file, e.g. {@code images/bus.jpg}. */
    static byte[] fixture(String relative) throws Exception {
        Path p = Fixtures.file(relative);
        return Files.readAllBytes(p);
    }
}
