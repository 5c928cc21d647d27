package dev.peregrine.exporter.pt;

import dev.peregrine.engines.numeric.Half;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.regex.Pattern;

/**
 * NumPy scalars as older Ultralytics versions pickle them in {@code best_fitness} and {@code train_metrics}:
 * {@code numpy.core.multiarray.scalar(numpy.dtype('f8', False, True) + BUILD state, b'<8 bytes>')}. They are decoded
 * as data (Double, Long, Boolean); only simple scalar dtypes are accepted and no NumPy code is involved.
 */
final class NumpyScalars {
    private static final Pattern CODE = Pattern.compile("[<>|=]?([fiub])([1248])");

    private NumpyScalars() {
    }

    /** A {@code numpy.dtype} while unpickling: its type code and, after BUILD, its byte order. */
    static final class NumpyDType {
        private final char kind;
        private final int size;
        private final String code;
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;

        private NumpyDType(String code, char kind, int size) {
            this.code = code;
            this.kind = kind;
            this.size = size;
        }

        String code() {
            return code;
        }

        /** Applies the BUILD state {@code (3, '<', None, None, None, -1, -1, 0)}: only the byte order matters. */
        boolean setState(Object state) {
            if (!(state instanceof Object[]) || ((Object[]) state).length < 2) {
                return false;
            }
            Object endian = ((Object[]) state)[1];
            if (">".equals(endian)) {
                order = ByteOrder.BIG_ENDIAN;
            } else if (!"<".equals(endian) && !"|".equals(endian) && !"=".equals(endian)) {
                return false;
            }
            return true;
        }
    }

    /** {@code numpy.dtype(code, align, copy)} for a simple scalar code ({@code f8}, {@code i4}, {@code b1}...), else null. */
    static NumpyDType dtype(Object[] args) {
        if (args.length < 1 || !(args[0] instanceof String)) {
            return null;
        }
        String code = (String) args[0];
        java.util.regex.Matcher m = CODE.matcher(code);
        if (!m.matches()) {
            return null;
        }
        char kind = m.group(1).charAt(0);
        int size = m.group(2).charAt(0) - '0';
        if ((kind == 'f' && size == 1) || (kind == 'b' && size != 1)) {
            return null;
        }
        NumpyDType d = new NumpyDType(code, kind, size);
        if (code.startsWith(">")) {
            d.order = ByteOrder.BIG_ENDIAN;
        }
        return d;
    }

    /** {@code scalar(dtype, bytes)}: the value, or null when the arguments do not fit. */
    static Object scalar(Object[] args) {
        if (args.length != 2 || !(args[0] instanceof NumpyDType) || !(args[1] instanceof byte[])) {
            return null;
        }
        NumpyDType d = (NumpyDType) args[0];
        byte[] bytes = (byte[]) args[1];
        if (bytes.length != d.size) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(d.order);
        switch (d.kind) {
            case 'b':
                return bytes[0] != 0;
            case 'f':
                return d.size == 8 ? b.getDouble() : d.size == 4 ? (double) b.getFloat()
                        : (double) Half.toFloat(b.getShort());
            case 'i':
                return d.size == 8 ? b.getLong() : d.size == 4 ? b.getInt() : d.size == 2 ? b.getShort() : (long) b.get();
            default: // 'u'
                long v = d.size == 8 ? b.getLong() : d.size == 4 ? b.getInt() & 0xffffffffL
                        : d.size == 2 ? b.getShort() & 0xffffL : b.get() & 0xffL;
                return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
        }
    }
}
