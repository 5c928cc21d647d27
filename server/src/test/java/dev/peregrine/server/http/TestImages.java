package dev.peregrine.server.http;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Small encoded images made in memory for the HTTP tests. */
final class TestImages {
    private TestImages() {
    }

    /** A {@code w x h} image with a few coloured shapes, encoded as {@code format} ({@code jpg}, {@code png}). */
    static byte[] encoded(int w, int h, String format) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.LIGHT_GRAY);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.RED);
        g.fillOval(w / 10, h / 10, w * 4 / 10, h * 4 / 10);
        g.setColor(Color.BLUE);
        g.fillRect(w / 2, h / 2, w * 4 / 10, h * 4 / 10);
        g.dispose();
        return write(img, format);
    }

    /** A {@code w x h} JPEG of one flat grey, so that any coloured pixel on a canvas was drawn over it. */
    static byte[] greyJpeg(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.GRAY);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return write(img, "jpg");
    }

    private static byte[] write(BufferedImage img, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] jpeg(int w, int h) {
        return encoded(w, h, "jpg");
    }

    /** The first half of a JPEG: a valid header, scan data cut off before the end-of-image marker. */
    static byte[] truncatedJpeg() {
        byte[] full = jpeg(320, 240);
        return Arrays.copyOf(full, full.length / 2);
    }

    /**
     * A PNG signature and IHDR chunk (with a correct CRC) declaring a {@code w x h} RGB image, and nothing else:
     * what a decompression bomb looks like to a header check.
     */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(17);
        ihdr.put("IHDR".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        ByteBuffer out = ByteBuffer.allocate(8 + 4 + 17 + 4);
        out.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}).putInt(13).put(ihdr.array())
                .putInt((int) crc.getValue());
        return out.array();
    }
}
