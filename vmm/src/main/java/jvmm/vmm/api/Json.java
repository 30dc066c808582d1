package jvmm.vmm.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON (RFC 8259) of the control API and of {@code --config} files: a strict reader of one
 * value into plain Java values, typed access to an object's fields with errors that name the
 * field, and a writer of flat objects. The bodies are a few small objects, so a few hundred
 * lines replace a data-binding library: Jackson's databind loaded ~580 classes into every API
 * server, ~7.6 MiB of its idle RSS (docs/performance.md, "Memory").
 *
 * <p>Values read: {@code Map<String, Object>} (fields in document order), {@code List<Object>},
 * {@code String}, {@code Long} (whole numbers that fit), {@code BigDecimal} (any other number),
 * {@code Boolean} and {@code null}.
 */
final class Json {

    /** Deeper nesting than any body of the API needs; a 64 KiB body of '[' must not overflow the stack. */
    static final int MAX_DEPTH = 64;

    private Json() {
    }

    /** A body that is not one well-formed JSON value; the message says what and where. */
    static final class MalformedException extends RuntimeException {
        MalformedException(String message) {
            super(message);
        }
    }

    /**
     * The one JSON value {@code text} holds (surrounding whitespace allowed, nothing else).
     *
     * @throws MalformedException naming the first problem, its line and column
     */
    static Object parse(String text) {
        Reader r = new Reader(text);
        r.skipSpace();
        Object value = r.value(0);
        r.skipSpace();
        if (r.at < text.length()) {
            throw r.malformed("more after the JSON value");
        }
        return value;
    }

    private static final class Reader {
        private final String s;
        private int at;

        Reader(String s) {
            this.s = s;
        }

        Object value(int depth) {
            if (at >= s.length()) {
                throw malformed("the text ends where a value should start");
            }
            char c = s.charAt(at);
            return switch (c) {
                case '{' -> object(depth + 1);
                case '[' -> array(depth + 1);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw malformed("unexpected character " + describe(c));
                }
            };
        }

        private Map<String, Object> object(int depth) {
            checkDepth(depth);
            at++; // '{'
            Map<String, Object> fields = new LinkedHashMap<>();
            skipSpace();
            if (peek() == '}') {
                at++;
                return fields;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw malformed("expected a field name in double quotes");
                }
                int nameAt = at;
                String name = string();
                if (fields.containsKey(name)) {
                    at = nameAt;
                    throw malformed("duplicate field '" + shown(name) + "'");
                }
                skipSpace();
                expect(':');
                skipSpace();
                fields.put(name, value(depth));
                skipSpace();
                if (peek() == ',') {
                    at++;
                } else if (peek() == '}') {
                    at++;
                    return fields;
                } else {
                    throw malformed("expected ',' or '}' after a field");
                }
            }
        }

        private List<Object> array(int depth) {
            checkDepth(depth);
            at++; // '['
            List<Object> items = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                at++;
                return items;
            }
            while (true) {
                skipSpace();
                items.add(value(depth));
                skipSpace();
                if (peek() == ',') {
                    at++;
                } else if (peek() == ']') {
                    at++;
                    return items;
                } else {
                    throw malformed("expected ',' or ']' after an array element");
                }
            }
        }

        private String string() {
            at++; // '"'
            StringBuilder b = null;
            int start = at;
            while (true) {
                if (at >= s.length()) {
                    throw malformed("a string is not closed");
                }
                char c = s.charAt(at);
                if (c == '"') {
                    String tail = s.substring(start, at++);
                    return b == null ? tail : b.append(tail).toString();
                }
                if (c < 0x20) {
                    throw malformed("control character " + describe(c) + " in a string (escape it)");
                }
                if (c != '\\') {
                    at++;
                    continue;
                }
                if (b == null) {
                    b = new StringBuilder();
                }
                b.append(s, start, at);
                at++;
                if (at >= s.length()) {
                    throw malformed("a string is not closed");
                }
                char e = s.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> b.append(hex4());
                    default -> {
                        at--;
                        throw malformed("unknown escape \\" + e);
                    }
                }
                start = at;
            }
        }

        private char hex4() {
            if (at + 4 > s.length()) {
                throw malformed("\\u needs four hex digits");
            }
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(s.charAt(at), 16);
                if (d < 0) {
                    throw malformed("\\u needs four hex digits");
                }
                v = v << 4 | d;
                at++;
            }
            return (char) v;
        }

        private Object number() {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            if (peek() == '0') {
                at++;
            } else if (!digits()) {
                throw malformed("a number needs a digit after '-'");
            }
            boolean whole = true;
            if (peek() == '.') {
                at++;
                whole = false;
                if (!digits()) {
                    throw malformed("a number needs a digit after '.'");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                at++;
                whole = false;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                if (!digits()) {
                    throw malformed("a number needs a digit in its exponent");
                }
            }
            String literal = s.substring(start, at);
            if (whole) {
                try {
                    return Long.parseLong(literal);
                } catch (NumberFormatException tooBig) {
                    // falls through to BigDecimal
                }
            }
            try {
                return new BigDecimal(literal);
            } catch (NumberFormatException e) { // an exponent beyond BigDecimal's range
                at = start;
                throw malformed("number out of range");
            }
        }

        private boolean digits() {
            int start = at;
            while (at < s.length() && s.charAt(at) >= '0' && s.charAt(at) <= '9') {
                at++;
            }
            return at > start;
        }

        private Object literal(String word, Object value) {
            if (!s.startsWith(word, at)) {
                throw malformed("unexpected character " + describe(s.charAt(at)));
            }
            at += word.length();
            return value;
        }

        void skipSpace() {
            while (at < s.length()) {
                char c = s.charAt(at);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                at++;
            }
        }

        private int peek() {
            return at < s.length() ? s.charAt(at) : -1;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw malformed("expected '" + c + "'");
            }
            at++;
        }

        private void checkDepth(int depth) {
            if (depth > MAX_DEPTH) {
                throw malformed("nested deeper than " + MAX_DEPTH + " levels");
            }
        }

        MalformedException malformed(String what) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < Math.min(at, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            return new MalformedException("%s (line %d, column %d)".formatted(what, line, at - lineStart + 1));
        }

        private static String describe(char c) {
            return c >= 0x20 && c < 0x7f ? "'" + c + "'" : "U+%04X".formatted((int) c);
        }
    }

    /** The JSON type of a value {@link #parse} returned, as an error names it. */
    static String typeName(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String str -> "a string";
            case Boolean b -> b.toString();
            default -> "the number " + shown(value.toString());
        };
    }

    /** {@code text} as an error quotes it: at most 64 characters, so one error stays one short line. */
    static String shown(String text) {
        return text.length() <= 64 ? text : text.substring(0, 61) + "...";
    }

    /**
     * One JSON object read into a record: each field taken by type, an error naming the field
     * when its type is wrong, and {@link #done()} refusing any field no one took. A field absent
     * and a field set to null read the same: null.
     */
    static final class Fields {
        private final Map<String, Object> map;
        private final String where;
        private final Set<String> taken = new HashSet<>();

        private Fields(Map<String, Object> map, String where) {
            this.map = map;
            this.where = where;
        }

        /**
         * The object {@code value} must be; {@code where} names it in errors ("" for the
         * top-level body, e.g. "'drives'[0]" inside a file).
         */
        static Fields of(Object value, String where) {
            if (value instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) m;
                return new Fields(fields, where);
            }
            throw new ApiException(400, "%s must be a JSON object, not %s".formatted(
                    where.isEmpty() ? "the body" : where, typeName(value)));
        }

        /** Any JSON value, for fields jvmm accepts only when absent or null. */
        Object any(String name) {
            taken.add(name);
            return map.get(name);
        }

        String string(String name) {
            return typed(name, String.class, "a string");
        }

        Boolean bool(String name) {
            return typed(name, Boolean.class, "true or false");
        }

        Long whole(String name) {
            return typed(name, Long.class, "a whole number");
        }

        /** Field {@code name} if it is absent, null or a {@code type}; else an error saying it must be {@code expected}. */
        private <T> T typed(String name, Class<T> type, String expected) {
            Object v = any(name);
            if (v == null || type.isInstance(v)) {
                return type.cast(v);
            }
            throw wrongType(name, expected, v);
        }

        Integer integer(String name) {
            Long v = whole(name);
            if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
                throw new ApiException(400, "%s must be from %d to %d, not %d".formatted(qualified(name),
                        Integer.MIN_VALUE, Integer.MAX_VALUE, v));
            }
            return v == null ? null : v.intValue();
        }

        /** A nested object, or null. */
        Fields object(String name) {
            Object v = any(name);
            return v == null ? null : Fields.of(v, qualified(name));
        }

        /** A list of objects, or null. */
        List<Fields> objects(String name) {
            Object v = any(name);
            if (v == null) {
                return null;
            }
            if (!(v instanceof List<?> items)) {
                throw wrongType(name, "an array", v);
            }
            List<Fields> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(Fields.of(items.get(i), qualified(name) + "[" + i + "]"));
            }
            return out;
        }

        /** {@code value}, made from the fields taken, once no field is left untaken. */
        <T> T done(T value) {
            done();
            return value;
        }

        /** Refuses the first field no getter took. */
        void done() {
            for (String name : map.keySet()) {
                if (!taken.contains(name)) {
                    throw new ApiException(400, "unknown field '%s'%s".formatted(shown(name), where.isEmpty() ? "" : " in " + where));
                }
            }
        }

        private String qualified(String name) {
            return where.isEmpty() ? "'" + name + "'" : where + "." + "'" + name + "'";
        }

        private ApiException wrongType(String name, String expected, Object actual) {
            return new ApiException(400, "%s must be %s, not %s".formatted(qualified(name), expected, typeName(actual)));
        }
    }

    /** A JSON object written field by field; null values are left out. */
    static final class ObjectWriter {
        private final StringBuilder out = new StringBuilder("{");

        ObjectWriter field(String name, Object value) {
            if (value == null) {
                return this;
            }
            if (out.length() > 1) {
                out.append(',');
            }
            quote(name);
            out.append(':');
            switch (value) {
                case String str -> quote(str);
                case Boolean b -> out.append(b);
                case Integer i -> out.append(i);
                case Long l -> out.append(l);
                default -> throw new IllegalArgumentException("not a flat JSON value: " + value.getClass().getName());
            }
            return this;
        }

        String end() {
            return out.append('}').toString();
        }

        private void quote(String str) {
            out.append('"');
            for (int i = 0; i < str.length(); i++) {
                char c = str.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append("\\u%04x".formatted((int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
