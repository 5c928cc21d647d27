package dev.peregrine.exporter.modules;

import dev.peregrine.engines.PeregrineException;
import dev.peregrine.exporter.pt.ModuleNode;
import dev.peregrine.exporter.pt.TorchTensor;
import java.util.List;

/**
 * Typed reads of pickled module attributes ({@code __dict__} entries) with messages that name the module. Python ints
 * arrive as {@code Long}, floats as {@code Double}, tuples as {@code List}.
 */
public final class ModuleAttrs {
    private ModuleAttrs() {
    }

    /** A required integer attribute. */
    public static long requireLong(ModuleNode m, String name) throws PeregrineException {
        Object v = m.hasAttr(name) ? m.attr(name) : null;
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
            return n.longValue();
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw malformed(m, "attribute '" + name + "' should be an int, found " + describe(v));
    }

    /** An integer attribute, or {@code fallback} when absent or None. */
    public static long longOr(ModuleNode m, String name, long fallback) throws PeregrineException {
        if (!m.hasAttr(name) || m.attr(name) == null) {
            return fallback;
        }
        return requireLong(m, name);
    }

    /** A required number attribute (int or float). */
    public static double requireDouble(ModuleNode m, String name) throws PeregrineException {
        Object v = m.hasAttr(name) ? m.attr(name) : null;
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw malformed(m, "attribute '" + name + "' should be a number, found " + describe(v));
    }

    /** A boolean attribute, or {@code fallback} when absent or None. */
    public static boolean boolOr(ModuleNode m, String name, boolean fallback) throws PeregrineException {
        if (!m.hasAttr(name) || m.attr(name) == null) {
            return fallback;
        }
        Object v = m.attr(name);
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.longValue() != 0;
        }
        throw malformed(m, "attribute '" + name + "' should be a bool, found " + describe(v));
    }

    /** A string attribute, or {@code fallback} when absent or None. */
    public static String stringOr(ModuleNode m, String name, String fallback) {
        Object v = m.hasAttr(name) ? m.attr(name) : null;
        return v == null ? fallback : v.toString();
    }

    /**
     * An attribute holding either an int or a tuple of ints (torch's {@code _pair} arguments like {@code kernel_size}),
     * expanded to {@code n} values.
     */
    public static long[] ints(ModuleNode m, String name, int n) throws PeregrineException {
        Object v = m.hasAttr(name) ? m.attr(name) : null;
        long[] out = new long[n];
        if (v instanceof Number num && !(v instanceof Double)) {
            java.util.Arrays.fill(out, num.longValue());
            return out;
        }
        if (v instanceof List<?> list && (list.size() == n || list.size() == 1)) {
            for (int i = 0; i < n; i++) {
                Object e = list.get(list.size() == 1 ? 0 : i);
                if (!(e instanceof Number en) || e instanceof Double) {
                    throw malformed(m, "attribute '" + name + "' should hold ints, found " + describe(v));
                }
                out[i] = en.longValue();
            }
            return out;
        }
        throw malformed(m, "attribute '" + name + "' should be an int or a tuple of " + n + " ints, found "
                + describe(v));
    }

    /** A required float tensor parameter or buffer, as floats. */
    public static float[] floats(ModuleNode m, String name) throws PeregrineException {
        return tensor(m, name).toFloats();
    }

    /** A required tensor: a parameter, else a buffer, else a tensor attribute. */
    public static TorchTensor tensor(ModuleNode m, String name) throws PeregrineException {
        TorchTensor t = optionalTensor(m, name);
        if (t == null) {
            throw malformed(m, "tensor '" + name + "' is missing");
        }
        return t;
    }

    /** A parameter, buffer or tensor attribute, or null. */
    public static TorchTensor optionalTensor(ModuleNode m, String name) {
        if (m.parameters().containsKey(name)) {
            return m.parameters().get(name);
        }
        if (m.buffers().containsKey(name)) {
            return m.buffers().get(name);
        }
        Object v = m.hasAttr(name) ? m.attr(name) : null;
        return v instanceof TorchTensor t ? t : null;
    }

    /** A required child module. */
    public static ModuleNode child(ModuleNode m, String name) throws PeregrineException {
        ModuleNode c = m.children().get(name);
        if (c == null) {
            throw malformed(m, "child module '" + name + "' is missing");
        }
        return c;
    }

    /** An error saying that module {@code m} does not look like the module its class names. */
    public static PeregrineException malformed(ModuleNode m, String what) {
        return PeregrineException.unsupported("module " + m.simpleName() + " at " + m.path() + ": " + what);
    }

    private static String describe(Object v) {
        return v == null ? "nothing" : v.getClass().getSimpleName() + " " + v;
    }
}
