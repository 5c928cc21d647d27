package dev.peregrine.engines.image;

import dev.peregrine.engines.decode.ImageMapping;
import dev.peregrine.engines.decode.InstanceMask;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Blends an {@link InstanceMask} (model-input resolution) into an original-size BGR image: every image pixel whose
 * centre, mapped back into the model input, has a bilinear mask coverage above one half is mixed with the colour.
 * Works on the image rows the mask can reach, through a reusable row buffer.
 */
final class MaskOverlay {
    private static final float ALPHA = 0.5f;

    private MaskOverlay() {
    }

    static void blend(Mat bgr, InstanceMask mask, int[] colour) {
        ImageMapping m = mask.mapping() != null ? mask.mapping()
                : new ImageMapping(1f, 0f, 0f, mask.canvasWidth(), mask.canvasHeight());
        int cols = bgr.cols();
        int rows = bgr.rows();
        // The image rectangle the stored window covers (one pixel of margin for the bilinear edge).
        int x0 = Math.max(0, (int) Math.floor((mask.left() - 1 - m.padX()) / m.gain()));
        int x1 = Math.min(cols, (int) Math.ceil((mask.left() + mask.width() + 1 - m.padX()) / m.gain()));
        int y0 = Math.max(0, (int) Math.floor((mask.top() - 1 - m.padY()) / m.gain()));
        int y1 = Math.min(rows, (int) Math.ceil((mask.top() + mask.height() + 1 - m.padY()) / m.gain()));
        if (x0 >= x1 || y0 >= y1) {
            return;
        }
        byte[] row = new byte[(x1 - x0) * 3];
        long step = bgr.step();
        BytePointer data = bgr.data();
        try {
            for (int y = y0; y < y1; y++) {
                float cy = m.inputY(y + 0.5f);
                long offset = y * step + x0 * 3L;
                data.position(offset).get(row, 0, row.length);
                boolean changed = false;
                for (int x = x0; x < x1; x++) {
                    if (mask.coverage(m.inputX(x + 0.5f), cy) > 0.5f) {
                        int p = (x - x0) * 3;
                        for (int c = 0; c < 3; c++) {
                            row[p + c] = (byte) Math.round((row[p + c] & 0xFF) * (1 - ALPHA) + colour[c] * ALPHA);
                        }
                        changed = true;
                    }
                }
                if (changed) {
                    data.position(offset).put(row, 0, row.length);
                }
            }
        } finally {
            data.position(0);
        }
    }
}
