package dev.peregrine.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Minimal reader of NumPy {@code .npy} files holding little-endian float32 C-order arrays (the fixtures' format). */
public final class Npy {
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** Shape of the array. */
    public final long[] shape;
    /** Row-major data. */
    public final float[] data;

    private Npy(long[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
    }

    /** Reads a float32 {@code .npy} file. */
    public static Npy read(Path path) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.get() != (byte) 0x93 || b.get() != 'N' || b.get() != 'U') {
            throw new IOException(path + " is not a .npy file");
        }
        b.position(6);
        int major = b.get();
        b.get();
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort()) : b.getInt();
        byte[] h = new byte[headerLen];
        b.get(h);
        String header = new String(h, StandardCharsets.ISO_8859_1);
        if (!header.contains("'descr': '<f4'") || header.contains("'fortran_order': True")) {
            throw new IOException(path + ": only little-endian float32 C-order arrays are supported: " + header);
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IOException(path + ": no shape in header " + header);
        }
        long[] shape = Arrays.stream(m.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong).toArray();
        FloatBuffer fb = b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] data = new float[fb.remaining()];
        fb.get(data);
        long n = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        if (n != data.length) {
            throw new IOException(path + ": shape " + Arrays.toString(shape) + " needs " + n + " values, file has " + data.length);
        }
        return new Npy(shape, data);
    }

    /** Number of elements. */
    public int size() {
        return data.length;
    }
}
