package dev.peregrine.engines.decode;

import dev.peregrine.engines.Detection;

/**
 * A rotated box ({@code xywhr}): centre, width, height and the angle in radians by which the box is rotated
 * (counter-clockwise in image coordinates with y pointing down, Ultralytics' convention), exactly as the OBB head
 * predicts it (range -pi/4 .. 3pi/4; not regularised). The {@link Detection}'s axis-aligned box is the box around
 * its {@link #corners()}.
 *
 * @param cx     centre x
 * @param cy     centre y
 * @param width  side along the angle direction
 * @param height the other side
 * @param angle  rotation in radians
 */
public record OrientedBox(float cx, float cy, float width, float height, float angle) implements Detection.Extra {

    /**
     * The four corners {@code x1, y1, ..., x4, y4} in Ultralytics' {@code xywhr2xyxyxyxy} order: with
     * {@code v1 = (w/2 cos, w/2 sin)} and {@code v2 = (-h/2 sin, h/2 cos)}: {@code c + v1 + v2}, {@code c + v1 - v2},
     * {@code c - v1 - v2}, {@code c - v1 + v2}.
     */
    public float[] corners() {
        float cos = (float) Math.cos(angle);
        float sin = (float) Math.sin(angle);
        float v1x = width / 2 * cos;
        float v1y = width / 2 * sin;
        float v2x = -height / 2 * sin;
        float v2y = height / 2 * cos;
        return new float[] {
            cx + v1x + v2x, cy + v1y + v2y,
            cx + v1x - v2x, cy + v1y - v2y,
            cx - v1x - v2x, cy - v1y - v2y,
            cx - v1x + v2x, cy - v1y + v2y};
    }

    /** The axis-aligned box around the corners, {@code x1, y1, x2, y2} (not clipped). */
    public float[] bounds() {
        float[] c = corners();
        float x1 = Float.MAX_VALUE;
        float y1 = Float.MAX_VALUE;
        float x2 = -Float.MAX_VALUE;
        float y2 = -Float.MAX_VALUE;
        for (int i = 0; i < 8; i += 2) {
            x1 = Math.min(x1, c[i]);
            x2 = Math.max(x2, c[i]);
            y1 = Math.min(y1, c[i + 1]);
            y2 = Math.max(y2, c[i + 1]);
        }
        return new float[] {x1, y1, x2, y2};
    }
}
