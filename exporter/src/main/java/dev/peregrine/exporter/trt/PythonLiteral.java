package dev.peregrine.exporter.trt;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the Python literals Ultralytics writes into ONNX metadata with {@code str()}: integers, floats, strings
 * in single or double quotes (with backslash escapes), {@code True/False/None}, lists, tuples and dicts. Enough for
 * {@code names}, {@code imgsz} and {@code kpt_shape}; anything else is rejected with the offset.
 */
final class PythonLiteral {
    private final String s;
    private int i;

    private PythonLiteral(String s) {
        this.s = s;
    }

    /**
     * Parses one literal.
     *
     * @return Long, Double, String, Boolean, null, List&lt;Object&gt; or Map&lt;Object,Object&gt; (insertion order)
     * @throws IllegalArgumentException naming the position of the first thing that is not a literal
     */
    static Object parse(String text) {
        PythonLiteral p = new PythonLiteral(text);
        Object v = p.value();
        p.skipSpace();
        if (p.i != text.length()) {
            throw p.error("unexpected text after the value");
        }
        return v;
    }

    private Object value() {
        skipSpace();
        if (i >= s.length()) {
            throw error("value expected");
        }
        char c = s.charAt(i);
        if (c == '{') {
            return dict();
        }
        if (c == '[' || c == '(') {
            return list(c == '[' ? ']' : ')');
        }
        if (c == '\'' || c == '"') {
            return string(c);
        }
        if (s.startsWith("True", i)) {
            i += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("False", i)) {
            i += 5;
            return Boolean.FALSE;
        }
        if (s.startsWith("None", i)) {
            i += 4;
            return null;
        }
        return number();
    }

    private Map<Object, Object> dict() {
        Map<Object, Object> m = new LinkedHashMap<>();
        i++;
        skipSpace();
        while (peek() != '}') {
            Object k = value();
            skipSpace();
            expect(':');
            m.put(k, value());
            skipSpace();
            if (peek() == ',') {
                i++;
                skipSpace();
            } else if (peek() != '}') {
                throw error("',' or '}' expected");
            }
        }
        i++;
        return m;
    }

    private List<Object> list(char close) {
        List<Object> l = new ArrayList<>();
        i++;
        skipSpace();
        while (peek() != close) {
            l.add(value());
            skipSpace();
            if (peek() == ',') {
                i++;
                skipSpace();
            } else if (peek() != close) {
                throw error("',' or '" + close + "' expected");
            }
        }
        i++;
        return l;
    }

    private String string(char quote) {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
            if (i >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == quote) {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw error("unterminated escape");
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'x' -> b.append((char) hex(2));
                case 'u' -> b.append((char) hex(4));
                case 'U' -> b.appendCodePoint(hex(8));
                default -> b.append(e); // \\ \' \" and anything else literally
            }
        }
    }

    private int hex(int digits) {
        if (i + digits > s.length()) {
            throw error("short escape");
        }
        int v = Integer.parseUnsignedInt(s.substring(i, i + digits), 16);
        i += digits;
        return v;
    }

    private Object number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String t = s.substring(start, i);
        if (t.isEmpty()) {
            throw error("unexpected character '" + s.charAt(start) + "'");
        }
        try {
            return t.matches("[+-]?\\d+") ? (Object) Long.parseLong(t) : (Object) Double.parseDouble(t);
        } catch (NumberFormatException ex) {
            throw error("bad number '" + t + "'");
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(i);
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("'" + c + "' expected");
        }
        i++;
    }

    private void skipSpace() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + i + " of " + (s.length() > 80 ? s.substring(0, 80) + "..." : s));
    }
}
