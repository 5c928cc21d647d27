package dev.peregrine.engines.model;

import dev.peregrine.engines.PeregrineException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser for the Python literals Ultralytics writes into ONNX {@code metadata_props} with {@code str(value)}:
 * the subset of {@code ast.literal_eval} that {@code repr} produces for plain data.
 *
 * <p>Supported: strings in single or double quotes with Python escapes ({@code \\ \' \" \n \r \t \0 \a \b \f \v
 * \xNN \\uNNNN \UNNNNNNNN} and octal), adjacent string concatenation, integers (with sign, underscores,
 * {@code 0x/0o/0b}), floats (incl. exponents, {@code inf}/{@code nan} as bare words for robustness),
 * {@code True/False/None}, lists, tuples, sets and dicts, nested, with trailing commas.
 *
 * <p>Mapping to Java: {@code int -> Long}, {@code float -> Double}, {@code bool -> Boolean}, {@code None -> null},
 * {@code str -> String}, {@code list/tuple/set -> unmodifiable List<Object>}, {@code dict ->
 * unmodifiable Map<Object,Object>} in source order.
 */
public final class PythonLiteral {
    private final String text;
    private int pos;

    private PythonLiteral(String text) {
        this.text = text;
    }

    /**
     * Parses one literal that spans the whole text (surrounding whitespace allowed).
     *
     * @throws PeregrineException BAD_INPUT naming the position and what was expected
     */
    public static Object parse(String text) throws PeregrineException {
        if (text == null) {
            throw PeregrineException.badInput("python literal: null text");
        }
        PythonLiteral p = new PythonLiteral(text);
        Object value = p.value();
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected '" + text.charAt(p.pos) + "' after the value");
        }
        return value;
    }

    private Object value() throws PeregrineException {
        skipSpace();
        if (pos >= text.length()) {
            throw error("unexpected end of text, expected a value");
        }
        char c = text.charAt(pos);
        switch (c) {
            case '\'':
            case '"':
                return strings();
            case '[':
                pos++;
                return Collections.unmodifiableList(sequence(']'));
            case '(':
                pos++;
                return Collections.unmodifiableList(sequence(')'));
            case '{':
                pos++;
                return braces();
            default:
                if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
                    return number();
                }
                if (Character.isLetter(c) || c == '_') {
                    return word();
                }
                throw error("unexpected '" + c + "', expected a value");
        }
    }

    /** One string literal, or several adjacent ones concatenated (Python's implicit concatenation). */
    private String strings() throws PeregrineException {
        StringBuilder sb = new StringBuilder();
        do {
            string(sb);
            skipSpace();
        } while (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"'));
        return sb.toString();
    }

    private void string(StringBuilder sb) throws PeregrineException {
        char quote = text.charAt(pos);
        int start = pos++;
        while (true) {
            if (pos >= text.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == quote) {
                return;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '\\' -> sb.append('\\');
                case '\'' -> sb.append('\'');
                case '"' -> sb.append('"');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case '\n' -> { } // line continuation inside a string
                case 'x' -> sb.appendCodePoint(hex(2));
                case 'u' -> sb.appendCodePoint(hex(4));
                case 'U' -> sb.appendCodePoint(hex(8));
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int i = 0; i < 2 && pos < text.length() && text.charAt(pos) >= '0'
                                && text.charAt(pos) <= '7'; i++) {
                            v = v * 8 + (text.charAt(pos++) - '0');
                        }
                        sb.append((char) v);
                    } else {
                        // Python keeps unknown escapes verbatim, backslash included.
                        sb.append('\\').append(e);
                    }
                }
            }
        }
    }

    private int hex(int digits) throws PeregrineException {
        if (pos + digits > text.length()) {
            throw error("truncated \\x/\\u escape");
        }
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) {
                throw error("bad hex digit '" + text.charAt(pos + i) + "' in escape");
            }
            v = v * 16 + d;
        }
        if (!Character.isValidCodePoint(v)) {
            throw error("escape \\U" + Integer.toHexString(v) + " is not a valid code point");
        }
        pos += digits;
        return v;
    }

    private List<Object> sequence(char close) throws PeregrineException {
        List<Object> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (peek(close)) {
                pos++;
                return items;
            }
            items.add(value());
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (peek(close)) {
                pos++;
                return items;
            } else {
                throw error("expected ',' or '" + close + "'");
            }
        }
    }

    /** A dict ({@code {k: v}}), an empty dict ({@code {}}) or a set ({@code {a, b}}). */
    private Object braces() throws PeregrineException {
        skipSpace();
        if (peek('}')) {
            pos++;
            return Collections.unmodifiableMap(new LinkedHashMap<>());
        }
        Object first = value();
        skipSpace();
        if (!peek(':')) {
            List<Object> set = new ArrayList<>();
            set.add(first);
            if (peek(',')) {
                pos++;
                set.addAll(sequence('}'));
            } else if (peek('}')) {
                pos++;
            } else {
                throw error("expected ',', ':' or '}'");
            }
            return Collections.unmodifiableList(set);
        }
        Map<Object, Object> map = new LinkedHashMap<>();
        Object key = first;
        while (true) {
            skipSpace();
            expect(':');
            map.put(key, value());
            skipSpace();
            if (peek(',')) {
                pos++;
                skipSpace();
            } else if (!peek('}')) {
                throw error("expected ',' or '}' in dict");
            }
            if (peek('}')) {
                pos++;
                return Collections.unmodifiableMap(map);
            }
            key = value();
        }
    }

    private Object number() throws PeregrineException {
        int start = pos;
        if (peek('-') || peek('+')) {
            pos++;
        }
        // "-inf" / "-nan" as repr(float) writes them (not valid literal_eval input, but harmless to accept).
        if (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            Object w = word();
            if (w instanceof Double d) {
                return text.charAt(start) == '-' ? -d : d;
            }
            throw error("expected a number");
        }
        while (pos < text.length() && isNumberChar(text.charAt(pos), pos > start ? text.charAt(pos - 1) : ' ')) {
            pos++;
        }
        String raw = text.substring(start, pos).replace("_", "");
        if (raw.isEmpty() || raw.equals("-") || raw.equals("+")) {
            pos = start;
            throw error("expected a number");
        }
        try {
            String body = raw.startsWith("-") || raw.startsWith("+") ? raw.substring(1) : raw;
            boolean neg = raw.startsWith("-");
            String lower = body.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("0x") || lower.startsWith("0o") || lower.startsWith("0b")) {
                int radix = lower.charAt(1) == 'x' ? 16 : lower.charAt(1) == 'o' ? 8 : 2;
                long v = Long.parseLong(body.substring(2), radix);
                return neg ? -v : v;
            }
            if (lower.contains(".") || lower.contains("e")) {
                return Double.parseDouble(raw);
            }
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("malformed number '" + raw + "'");
        }
    }

    private static boolean isNumberChar(char c, char previous) {
        if (Character.isLetterOrDigit(c) || c == '.' || c == '_') {
            return true;
        }
        // A sign is part of the number only right after an exponent marker (1e-05).
        return (c == '-' || c == '+') && (previous == 'e' || previous == 'E');
    }

    private Object word() throws PeregrineException {
        int start = pos;
        while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        String w = text.substring(start, pos);
        return switch (w) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> {
                pos = start;
                throw error("unknown name '" + w + "' (only literals are allowed)");
            }
        };
    }

    private void expect(char c) throws PeregrineException {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private PeregrineException error(String what) {
        String shown = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return PeregrineException.badInput("python literal at offset " + pos + ": " + what + " in \"" + shown + "\"");
    }
}
