package dev.peregrine.exporter.pt;

import java.util.List;
import java.util.Map;

/** Short descriptions of pickled values for error messages. */
final class Values {
    private Values() {
    }

    /** E.g. {@code None}, {@code the int 3}, {@code a str 'x'}, {@code a list of 2}, {@code a tensor FLOAT16 [8]}. */
    static String describe(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean) {
            return "the bool " + v;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof java.math.BigInteger) {
            return "the int " + v;
        }
        if (v instanceof Double) {
            return "the float " + v;
        }
        if (v instanceof String) {
            String s = (String) v;
            return "the str '" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
        }
        if (v instanceof byte[]) {
            return "bytes of length " + ((byte[]) v).length;
        }
        if (v instanceof List) {
            return "a list of " + ((List<?>) v).size();
        }
        if (v instanceof Object[]) {
            return "a tuple of " + ((Object[]) v).length;
        }
        if (v instanceof Map) {
            return "a dict of " + ((Map<?, ?>) v).size();
        }
        if (v instanceof java.util.Set) {
            return "a set of " + ((java.util.Set<?>) v).size();
        }
        if (v instanceof TorchTensor) {
            return "a tensor " + v;
        }
        if (v instanceof ModuleNode) {
            return "the module " + ((ModuleNode) v).className();
        }
        if (v instanceof PickledObject) {
            return "an object of " + ((PickledObject) v).className();
        }
        if (v instanceof RawObject) {
            return "an object of " + ((RawObject) v).global().qualifiedName();
        }
        if (v instanceof PickleGlobal) {
            return "the global " + ((PickleGlobal) v).qualifiedName();
        }
        return "a " + v.getClass().getSimpleName();
    }
}
