package dev.cairn.engine.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.engine.error.StatesErrors;
import dev.cairn.engine.error.StatesException;
import dev.cairn.engine.json.Json;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Intrinsic functions with literal arguments. Expected values are those Step Functions recorded in
 * the conformance corpus (intrinsic_functions and assign cases), moved from path arguments into
 * literals; the path forms themselves are covered by {@link IntrinsicCorpusTest}.
 */
class IntrinsicFunctionTest {
  private static final EvaluationContext EMPTY =
      new EvaluationContext(Json.object(), Json.object());

  static Stream<Arguments> calls() {
    return Stream.of(
        // States.Format
        arguments("States.Format('Formatting argument {}.', ' ')", "\"Formatting argument  .\""),
        arguments("States.Format('Formatting argument {}.', 1)", "\"Formatting argument 1.\""),
        arguments("States.Format('Formatting argument {}.', 1.1)", "\"Formatting argument 1.1.\""),
        arguments(
            "States.Format('Formatting arguments fst={} and snd={}.', '', '')",
            "\"Formatting arguments fst= and snd=.\""),
        arguments(
            "States.Format('Formatting arguments fst={} and snd={}.',"
                + " States.StringToJson('{\"Arg1\": 1, \"Arg2\": []}'), 'x')",
            "\"Formatting arguments fst={Arg1=1, Arg2=[]} and snd=x.\""),
        arguments(
            "States.Format('Hello {}, welcome to {}!', 'John', 'LocalStack')",
            "\"Hello John, welcome to LocalStack!\""),
        arguments("States.Format('Format:{}', 101)", "\"Format:101\""),
        arguments("States.Format('{}', null)", "\"null\""),
        arguments("States.Format('{} and {}', true, States.Array(1, 'a'))", "\"true and [1, a]\""),
        arguments("States.Format('\\{\\} is {}', 'braces')", "\"{} is braces\""),
        arguments("States.Format('it\\'s {}', 'quoted')", "\"it's quoted\""),
        arguments("States.Format('back\\\\slash')", "\"back\\\\slash\""),
        arguments("States.Format('no placeholder')", "\"no placeholder\""),
        // States.StringToJson / JsonToString
        arguments("States.StringToJson('')", "null"),
        arguments("States.StringToJson('null')", "null"),
        arguments("States.StringToJson('-0')", "0"),
        arguments("States.StringToJson('true')", "true"),
        arguments("States.StringToJson('\"HelloWorld\"')", "\"HelloWorld\""),
        arguments("States.StringToJson('[1, 2, \"HelloWorld\"]')", "[1, 2, \"HelloWorld\"]"),
        arguments(
            "States.StringToJson('{\"Arg1\": 1, \"Arg2\": []}')", "{\"Arg1\": 1, \"Arg2\": []}"),
        arguments("States.JsonToString(null)", "\"null\""),
        arguments("States.JsonToString(0)", "\"0\""),
        arguments("States.JsonToString('HelloWorld')", "\"\\\"HelloWorld\\\"\""),
        arguments(
            "States.JsonToString(States.Array(1, 2, 'HelloWorld'))",
            "\"[1,2,\\\"HelloWorld\\\"]\""),
        arguments(
            "States.JsonToString(States.StringToJson('{\"test\": \"object\"}'))",
            "\"{\\\"test\\\":\\\"object\\\"}\""),
        // Arrays
        arguments("States.Array('a', 'b', 'c')", "[\"a\", \"b\", \"c\"]"),
        arguments("States.Array()", "[]"),
        arguments("States.Array(1.1, 1.1)", "[1.1, 1.1]"),
        arguments(
            "States.ArrayPartition(States.Array(1, 2, 3, 4, 5, 6), 2)", "[[1, 2], [3, 4], [5, 6]]"),
        arguments("States.ArrayPartition(States.Array(0, 1, 2, 3), 3)", "[[0, 1, 2], [3]]"),
        arguments("States.ArrayPartition(States.Array(0, 1, 2), 5)", "[[0, 1, 2]]"),
        arguments("States.ArrayPartition(States.Array(), 1)", "[]"),
        arguments("States.ArrayContains(States.Array(1, 2, 3, 4, 5, 6), 5)", "true"),
        arguments("States.ArrayContains(States.Array(), null)", "false"),
        arguments("States.ArrayContains(States.Array(1, 2), 1.0)", "true"),
        arguments(
            "States.ArrayContains(States.Array(States.StringToJson('{\"1\": 2, \"2\": []}')),"
                + " States.StringToJson('{\"2\": [], \"1\": 2}'))",
            "true"),
        arguments("States.ArrayRange(1, 10, 2)", "[1, 3, 5, 7, 9]"),
        arguments("States.ArrayRange(0, 3, 1)", "[0, 1, 2, 3]"),
        arguments("States.ArrayRange(5, 1, -2)", "[5, 3, 1]"),
        arguments("States.ArrayRange(1, 0, 2)", "[]"),
        arguments("States.ArrayGetItem(States.Array(1, 2, 3, 4, 5, 6), 2)", "3"),
        arguments("States.ArrayLength(States.Array(1, 2, 3, 4, 5, 6))", "6"),
        arguments("States.ArrayUnique(States.Array(1, 2, 2, 3, 3, 4))", "[1, 2, 3, 4]"),
        arguments(
            "States.ArrayUnique(States.Array(null, null, true, 1, 1.0, 'a', 'a', States.Array()))",
            "[null, true, 1, \"a\", []]"),
        // Encoding and hashing
        arguments("States.Base64Encode('Data to encode')", "\"RGF0YSB0byBlbmNvZGU=\""),
        arguments("States.Base64Encode('')", "\"\""),
        arguments("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "\"Data to encode\""),
        arguments("States.Base64Decode(States.Base64Encode('Hello World'))", "\"Hello World\""),
        arguments("States.Hash('input data', 'MD5')", "\"812f45842bc6d66ee14572ce20db8e86\""),
        arguments(
            "States.Hash('input data', 'SHA-1')", "\"aaff4a450a104cd177d28d18d74485e8cae074b7\""),
        arguments(
            "States.Hash('input data', 'SHA-256')",
            "\"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3\""),
        arguments(
            "States.Hash('input data', 'SHA-384')",
            "\"d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562\""),
        arguments(
            "States.Hash('input data', 'SHA-512')",
            "\"6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4\""),
        arguments(
            "States.Hash('Hash this string', 'SHA-256')",
            "\"1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e\""),
        // JsonMerge is shallow: the second object's keys win whole.
        arguments(
            "States.JsonMerge(States.StringToJson('{\"a\": 1, \"b\": {\"x\": 1}}'),"
                + " States.StringToJson('{\"c\": 3, \"b\": {\"y\": 2}}'), false)",
            "{\"a\": 1, \"b\": {\"y\": 2}, \"c\": 3}"),
        arguments(
            "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'),"
                + " States.StringToJson('{\"constant_input_field\": \"constant_value\"}'), false)",
            "{\"constant_input_field\": \"constant_value\", \"constant_in_literal\": \"false\"}"),
        // MathAdd rounds each operand, halves towards positive infinity (corpus values).
        arguments("States.MathAdd(-9, 3)", "-6"),
        arguments("States.MathAdd(5, 3)", "8"),
        arguments("States.MathAdd(-1.5, 0)", "-1"),
        arguments("States.MathAdd(1.5, 0)", "2"),
        arguments("States.MathAdd(2.5, 0)", "3"),
        arguments("States.MathAdd(-2.5, 0)", "-2"),
        arguments("States.MathAdd(-3.5, 0)", "-3"),
        arguments("States.MathAdd(1.5, 1.51)", "4"),
        arguments("States.MathAdd(-1.49, -1.5)", "-2"),
        arguments("States.MathAdd(-1.5, -1.51)", "-3"),
        arguments("States.MathAdd(1.49, 0)", "1"),
        arguments("States.MathAdd(1.49, -1.49)", "0"),
        arguments("States.MathAdd(1.51, 0)", "2"),
        // StringSplit: every character of the second argument splits; empty pieces are dropped.
        arguments("States.StringSplit(' ', ',')", "[\" \"]"),
        arguments("States.StringSplit(' , ', ',')", "[\" \", \" \"]"),
        arguments("States.StringSplit(', , ,', ',')", "[\" \", \" \"]"),
        arguments("States.StringSplit(',,,,', ',')", "[]"),
        arguments(
            "States.StringSplit('This.is+a,test=string', '.+,=')",
            "[\"This\", \"is\", \"a\", \"test\", \"string\"]"),
        arguments("States.StringSplit('Hello\nWorld', '\n')", "[\"Hello\", \"World\"]"),
        arguments("States.StringSplit('a😀b😁c', '😀')", "[\"a\", \"b😁c\"]"),
        // Spacing between tokens is free.
        arguments(
            "  States.Array( 1 ,'a' , true,false , null )  ", "[1, \"a\", true, false, null]"),
        arguments("States.Array(-1.5e2, 0.25)", "[-1.5e2, 0.25]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("calls")
  void evaluatesAsStepFunctionsDoes(String call, String expected) {
    JsonNode result = IntrinsicFunction.parse(call).evaluate(EMPTY, "value.$");

    assertThat(result).isEqualTo(Json.parse(expected));
  }

  @Test
  void numbersKeepTheirExactValue() {
    JsonNode result =
        IntrinsicFunction.parse("States.Array(1.10, 12345678901234567890)").evaluate(EMPTY, "v");

    assertThat(Json.write(result)).isEqualTo("[1.10,12345678901234567890]");
  }

  @Test
  void uuidIsARandomVersion4Uuid() {
    IntrinsicFunction uuid = IntrinsicFunction.parse("States.UUID()");

    String first = uuid.evaluate(EMPTY, "v").textValue();
    String second = uuid.evaluate(EMPTY, "v").textValue();

    assertThat(first)
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(first).isNotEqualTo(second);
  }

  @Test
  void mathRandomStaysInItsRoundedRange() {
    // The corpus' arguments; Step Functions' own result is masked there, so check the range.
    IntrinsicFunction random = IntrinsicFunction.parse("States.MathRandom(12.5, 44.51)");
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      JsonNode value = random.evaluate(EMPTY, "v");
      assertThat(value.isInt()).isTrue();
      seen.add(value.intValue());
    }
    assertThat(seen).allSatisfy(v -> assertThat(v).isBetween(13, 44));
    assertThat(seen).hasSizeGreaterThan(20);
  }

  @Test
  void mathRandomWithASeedIsRepeatable() {
    IntrinsicFunction seeded = IntrinsicFunction.parse("States.MathRandom(-99999, -9999, 7)");

    JsonNode first = seeded.evaluate(EMPTY, "v");

    assertThat(first.intValue()).isBetween(-99999, -10000);
    assertThat(seeded.evaluate(EMPTY, "v")).isEqualTo(first);
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        arguments("States.MathAdd('a', 1)", "Invalid arguments in States.MathAdd"),
        arguments("States.MathAdd(2147483648, 1)", "Invalid arguments in States.MathAdd"),
        arguments("States.ArrayLength('abc')", "Invalid arguments in States.ArrayLength"),
        arguments(
            "States.ArrayGetItem(States.Array(1, 2, 3), 3)",
            "Invalid arguments in States.ArrayGetItem"),
        arguments(
            "States.ArrayGetItem(States.Array(1, 2, 3), -1)",
            "Invalid arguments in States.ArrayGetItem"),
        arguments(
            "States.ArrayGetItem(States.Array(1, 2, 3), 1.5)",
            "Invalid arguments in States.ArrayGetItem"),
        arguments(
            "States.ArrayPartition(States.Array(1), 0)",
            "Invalid arguments in States.ArrayPartition"),
        arguments("States.ArrayRange(1, 5, 0)", "Invalid arguments in States.ArrayRange"),
        arguments("States.ArrayRange(0, 1000, 1)", "Invalid arguments in States.ArrayRange"),
        arguments(
            "States.Base64Decode('not base64!!!')", "Invalid arguments in States.Base64Decode"),
        arguments("States.Hash('data', 'SHA256')", "Invalid arguments in States.Hash"),
        arguments("States.Hash('data', 'sha-256')", "Invalid arguments in States.Hash"),
        arguments(
            "States.JsonMerge(States.Array(), States.StringToJson('{}'), false)",
            "Invalid arguments in States.JsonMerge"),
        arguments(
            "States.JsonMerge(States.StringToJson('{}'), States.StringToJson('{}'), true)",
            "Invalid arguments in States.JsonMerge"),
        arguments("States.StringToJson('{oops')", "Invalid arguments in States.StringToJson"),
        arguments("States.StringSplit('abc', '')", "Invalid arguments in States.StringSplit"),
        arguments("States.StringSplit(1, ',')", "Invalid arguments in States.StringSplit"),
        arguments("States.MathRandom(5, 5)", "Invalid arguments in States.MathRandom"),
        arguments(
            "States.Format('{} {}', 1)",
            "Invalid arguments in States.Format: number of arguments do not match the occurrences"
                + " of {}."),
        arguments("States.Format(1)", "Invalid arguments in States.Format"),
        arguments(
            // A nested failure is reported against the whole expression.
            "States.Array(States.ArrayLength(1))", "Invalid arguments in States.ArrayLength"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failsWithTheCauseStepFunctionsWrites(String call, String detail) {
    IntrinsicFunction function = IntrinsicFunction.parse(call);

    assertThatThrownBy(() -> function.evaluate(EMPTY, "value.$"))
        .isInstanceOfSatisfying(
            StatesException.class,
            e -> {
              assertThat(e.error()).isEqualTo(StatesErrors.RUNTIME);
              assertThat(e.cause())
                  .isEqualTo("The function '" + call + "' had the following error: " + detail);
            });
  }

  @Test
  void base64RefusesMoreThanTenThousandCharacters() {
    IntrinsicFunction encode = IntrinsicFunction.parse("States.Base64Encode($.s)");
    assertThat(encode.text()).isEqualTo("States.Base64Encode($.s)");
    IntrinsicFunction literal =
        IntrinsicFunction.parse("States.Base64Encode('" + "a".repeat(10_000) + "')");
    IntrinsicFunction tooLong =
        IntrinsicFunction.parse("States.Base64Encode('" + "a".repeat(10_001) + "')");

    assertThat(literal.evaluate(EMPTY, "v").textValue()).hasSize(13_336);
    assertThatThrownBy(() -> tooLong.evaluate(EMPTY, "v"))
        .isInstanceOf(StatesException.class)
        .hasMessageEndingWith("Invalid arguments in States.Base64Encode");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        arguments("States.Nope(1)", "unknown intrinsic function 'States.Nope'"),
        arguments("States.Format", "expected '('"),
        arguments("States.Format('a'", "expected ')'"),
        arguments("States.Format('a)", "string literal is not closed"),
        arguments("States.Format('a') extra", "unexpected text after the closing ')'"),
        arguments("States.Array(1,)", "expected an argument"),
        arguments("States.Array(1 2)", "expected ')'"),
        arguments("States.Array(tru)", "expected an argument"),
        arguments("States.Array(1.)", "malformed number"),
        arguments("States.Array(-)", "malformed number"),
        arguments("States.Array(12abc)", "malformed number"),
        arguments("States.UUID(1)", "States.UUID takes 0 arguments, but 1 given"),
        arguments("States.MathAdd(1)", "States.MathAdd takes 2 arguments, but 1 given"),
        arguments("States.MathRandom(1, 2, 3, 4)", "States.MathRandom takes 2 to 3 arguments"),
        arguments("States.Format()", "States.Format takes at least 1 argument, but 0 given"),
        arguments("States.Format('{', 1)", "Invalid template in States.Format"),
        arguments("States.Format('}{}', 1)", "Invalid template in States.Format"),
        arguments("Format('x')", "expected a function name starting with 'States.'"),
        // Only \', \{, \} and \\ are escapes; AWS refuses the definition for any other.
        arguments(
            "States.StringToJson('{\"text\":\"An \\\"escaped double quote\\\" here\"}')",
            "invalid escape sequence '\\\"' in a string literal"),
        arguments(
            "States.Format('He said, \\\"Hello, {}!\\\"', 'Test \\\"Name\\\" Here')",
            "invalid escape sequence '\\\"'"),
        arguments("States.Format('a\\nb')", "invalid escape sequence '\\n'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedCallsWhenParsed(String call, String problem) {
    assertThatThrownBy(() -> IntrinsicFunction.parse(call))
        .isInstanceOf(InvalidPathException.class)
        .hasMessageContaining(problem)
        .hasMessageContaining(call.strip());
  }

  @Test
  void recognisesCallsByTheirPrefix() {
    assertThat(IntrinsicFunction.looksLikeCall("States.Format('x')")).isTrue();
    assertThat(IntrinsicFunction.looksLikeCall("$.States")).isFalse();
  }
}
