package jvmm.vmm.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    @SuppressWarnings("unchecked")
    void readsEveryKindOfValue() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("s", "a\"b\\c/d\b\f\n\r\t\u00e9\ud83d\ude00");
        expected.put("n", List.of(0L, -12L, Long.MAX_VALUE, new BigDecimal("9223372036854775808"), new BigDecimal("1.5e-3"),
                new BigDecimal("-0.25")));
        expected.put("t", true);
        expected.put("f", false);
        expected.put("z", null);
        expected.put("o", Map.of());
        expected.put("a", List.of());
        Object v = Json.parse(" \r\n\t{\"s\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00E9\\ud83d\\ude00\", "
                + "\"n\": [0, -12, 9223372036854775807, 9223372036854775808, 1.5e-3, -0.25], "
                + "\"t\": true, \"f\": false, \"z\": null, \"o\": {}, \"a\": []} ");
        assertThat(v).isEqualTo(expected);
        assertThat(String.join(",", ((Map<String, ?>) v).keySet())).isEqualTo("s,n,t,f,z,o,a");
    }

    @Test
    void refusesWhatRfc8259Refuses() {
        String[][] cases = {
                {"", "the text ends where a value should start (line 1, column 1)"},
                {"{\"a\": 1,}", "expected a field name in double quotes (line 1, column 9)"},
                {"[1, 2", "expected ',' or ']' after an array element (line 1, column 6)"},
                {"{\"a\" 1}", "expected ':' (line 1, column 6)"},
                {"{'a': 1}", "expected a field name in double quotes (line 1, column 2)"},
                {"01", "more after the JSON value (line 1, column 2)"},
                {"-", "a number needs a digit after '-' (line 1, column 2)"},
                {"1.", "a number needs a digit after '.' (line 1, column 3)"},
                {"1e+", "a number needs a digit in its exponent (line 1, column 4)"},
                {".5", "unexpected character '.' (line 1, column 1)"},
                {"tru", "unexpected character 't' (line 1, column 1)"},
                {"\"ab", "a string is not closed (line 1, column 4)"},
                {"\"a\tb\"", "control character U+0009 in a string (escape it) (line 1, column 3)"},
                {"\"\\x\"", "unknown escape \\x (line 1, column 3)"},
                {"\"\\u12G4\"", "\\u needs four hex digits (line 1, column 6)"},
                {"{\n  \"a\": 1,\n  \"a\": 2\n}", "duplicate field 'a' (line 3, column 3)"},
                {"[1] [2]", "more after the JSON value (line 1, column 5)"},
                {"NaN", "unexpected character 'N' (line 1, column 1)"},
                {"[1e99999999999]", "number out of range (line 1, column 2)"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> Json.parse(c[0])).as(c[0]).isInstanceOf(Json.MalformedException.class)
                    .hasMessage(c[1]);
        }
    }

    @Test
    void nestingIsBoundedSoNoBodyOverflowsTheStack() {
        String deep = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(deep)).isInstanceOf(List.class);
        String tooDeep = "[".repeat(64 * 1024);
        assertThatThrownBy(() -> Json.parse(tooDeep)).hasMessageStartingWith("nested deeper than 64 levels");
    }

    @Test
    void fieldsAreTypedNamedAndNoneIsLeftUnread() {
        var f = Json.Fields.of(Json.parse("{\"a\": \"x\", \"b\": 3, \"c\": true, \"d\": null, \"e\": {\"f\": []}}"), "");
        assertThat(f.string("a")).isEqualTo("x");
        assertThat(f.integer("b")).isEqualTo(3);
        assertThat(f.bool("c")).isTrue();
        assertThat(f.string("d")).isNull();
        assertThat(f.string("absent")).isNull();
        var e = f.object("e");
        f.done();
        assertThatThrownBy(e::done).isInstanceOf(ApiException.class).hasMessage("unknown field 'f' in 'e'");
        assertThat(e.objects("f")).isEmpty();
        e.done();
        assertThatThrownBy(() -> Json.Fields.of(Json.parse("{\"x\": [1]}"), "").objects("x"))
                .hasMessage("'x'[0] must be a JSON object, not the number 1");
        assertThatThrownBy(() -> Json.Fields.of(Json.parse("{\"x\": 1}"), "").bool("x"))
                .hasMessage("'x' must be true or false, not the number 1");
        assertThatThrownBy(() -> Json.Fields.of(Json.parse("{\"x\": false}"), "'top'").string("x"))
                .hasMessage("'top'.'x' must be a string, not false");
    }

    @Test
    void errorsQuoteAtMost64CharactersOfWhatTheyName() {
        String name = "n".repeat(1000);
        assertThatThrownBy(() -> Json.Fields.of(Json.parse("{\"" + name + "\": 1}"), "").done())
                .hasMessage("unknown field '" + "n".repeat(61) + "...'");
        assertThatThrownBy(() -> Json.Fields.of(Json.parse("{\"x\": " + "9".repeat(1000) + "}"), "").whole("x"))
                .hasMessage("'x' must be a whole number, not the number " + "9".repeat(61) + "...");
        assertThatThrownBy(() -> Json.parse("{\"" + name + "\": 1, \"" + name + "\": 2}"))
                .hasMessageStartingWith("duplicate field '" + "n".repeat(61) + "...' (line 1, column ");
    }

    @Test
    void writesFlatObjectsLeavingNullsOut() {
        String s = new Json.ObjectWriter().field("a", "q\"\\\n\u0001é").field("b", null).field("c", 7).field("d", -8L)
                .field("e", false).end();
        assertThat(s).isEqualTo("{\"a\":\"q\\\"\\\\\\n\\u0001é\",\"c\":7,\"d\":-8,\"e\":false}");
        assertThat(new Json.ObjectWriter().end()).isEqualTo("{}");
    }

    @Property
    void whatItWritesItReadsBack(@ForAll String value, @ForAll long number, @ForAll boolean flag) {
        String s = new Json.ObjectWriter().field("v", value).field("n", number).field("b", flag).end();
        assertThat(Json.parse(s)).isEqualTo(Map.of("v", value, "n", number, "b", flag));
    }

    @Property
    void randomTextIsReadOrRefusedButNeverCrashes(@ForAll String text) {
        try {
            Json.parse(text);
        } catch (Json.MalformedException expected) {
            assertThat(expected.getMessage()).matches("(?s).* \\(line \\d+, column \\d+\\)");
        }
    }
}
