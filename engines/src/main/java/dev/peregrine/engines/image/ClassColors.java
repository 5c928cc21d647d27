package dev.peregrine.engines.image;

/**
 * The 20-colour palette Ultralytics uses for class boxes (class {@code i} gets colour {@code i mod 20}), so that
 * annotated images look familiar to Ultralytics users.
 */
final class ClassColors {
    /** RGB colours, as Ultralytics lists them. */
    private static final int[] RGB = {
        0x042AFF, 0x0BDBEB, 0xF3F3F3, 0x00DFB7, 0x111F68, 0xFF6FDD, 0xFF444F, 0xCCED00, 0x00F344, 0xBD00FF,
        0x00B4FF, 0xDD00BA, 0x00FFFF, 0x26C000, 0x01FFB3, 0x7D24FF, 0x7B0068, 0xFF1B6C, 0xFC6D2F, 0xA2FF0B,
    };

    private ClassColors() {
    }

    /** The colour of a class as {@code {blue, green, red}} (OpenCV order); negative ids are folded in. */
    static int[] bgr(int classId) {
        int rgb = RGB[Math.floorMod(classId, RGB.length)];
        return new int[] {rgb & 0xFF, rgb >> 8 & 0xFF, rgb >> 16 & 0xFF};
    }

    /** True when black text reads better than white on this colour (perceived brightness above one half). */
    static boolean isLight(int[] bgr) {
        double luma = 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2];
        return luma > 127.5;
    }
}
