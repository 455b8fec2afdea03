#include "trm/tasks/function_call/parse.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace trm::tasks::function_call {
namespace {

using Repairs = std::vector<std::string>;

TEST(ParseTest, StrictAcceptsCanonicalCalls) {
  const StrictParse parse = parse_strict(R"([{"name": "f", "arguments": {"a": 1}}])");

  EXPECT_TRUE(parse.json_ok);
  EXPECT_TRUE(parse.shape_ok);
  EXPECT_EQ(parse.calls, (CallList{Call{"f", json{{"a", 1}}}}));
}

TEST(ParseTest, StrictAllowsSurroundingWhitespace) {
  EXPECT_TRUE(parse_strict("\n  [{\"name\": \"f\", \"arguments\": {}}]  \n").shape_ok);
}

TEST(ParseTest, StrictRejectsStringArguments) {
  const StrictParse parse = parse_strict(R"([{"name": "f", "arguments": "{\"a\": 1}"}])");

  EXPECT_TRUE(parse.json_ok);
  EXPECT_FALSE(parse.shape_ok);
  EXPECT_TRUE(parse.calls.empty());
}

TEST(ParseTest, StrictRejectsEmptyList) {
  const StrictParse parse = parse_strict("[]");

  EXPECT_TRUE(parse.json_ok);
  EXPECT_FALSE(parse.shape_ok);
}

TEST(ParseTest, StrictRejectsExtraKey) {
  EXPECT_FALSE(parse_strict(R"([{"name": "f", "arguments": {}, "id": 1}])").shape_ok);
}

TEST(ParseTest, StrictRejectsSingleObject) {
  const StrictParse parse = parse_strict(R"({"name": "f", "arguments": {}})");

  EXPECT_TRUE(parse.json_ok);
  EXPECT_FALSE(parse.shape_ok);
}

TEST(ParseTest, StrictRejectsPythonSyntax) {
  const StrictParse parse = parse_strict("[f(a=1)]");

  EXPECT_FALSE(parse.json_ok);
  EXPECT_FALSE(parse.shape_ok);
}

TEST(ParseTest, StrictRejectsTrailingText) {
  EXPECT_FALSE(parse_strict(R"([{"name": "f", "arguments": {}}] done)").json_ok);
}

// A broken output, the canonical rendering of what the lenient reading
// recovers, and the repairs it reports.
struct RepairCase {
  const char* label;
  std::string input;
  std::string expected;
  Repairs repairs;
};

const std::vector<RepairCase>& repair_cases() {
  static const std::vector<RepairCase> cases = {
      {"strict form", R"([{"name": "f", "arguments": {"a": 1}}])",
       R"([{"name":"f","arguments":{"a":1}}])", {}},
      {"double-encoded arguments", R"([{"name": "f", "arguments": "{\"a\": 1, \"b\": [true]}"}])",
       R"([{"name":"f","arguments":{"a":1,"b":[true]}}])", {"decode_string_arguments"}},
      {"empty argument string", R"([{"name": "f", "arguments": ""}])",
       R"([{"name":"f","arguments":{}}])", {"decode_string_arguments"}},
      {"python call list", R"([f(a=1, b="x"), g(c=[1, 2])])",
       R"([{"name":"f","arguments":{"a":1,"b":"x"}},{"name":"g","arguments":{"c":[1,2]}}])",
       {"python_syntax"}},
      {"bare dotted call", "math.factorial(number=5)",
       R"([{"name":"math.factorial","arguments":{"number":5}}])", {"python_syntax"}},
      {"call without arguments", "[version_api.VersionApi.get_version()]",
       R"([{"name":"version_api.VersionApi.get_version","arguments":{}}])", {"python_syntax"}},
      {"python literals and quotes", "[f(a=True, b=None, c='x')]",
       R"([{"name":"f","arguments":{"a":true,"b":null,"c":"x"}}])",
       {"python_syntax", "python_literals", "single_quotes"}},
      {"python dict value", "[f(opts={'k': [False, 2.5], 3: 'v'})]",
       R"([{"name":"f","arguments":{"opts":{"3":"v","k":[false,2.5]}}}])",
       {"python_syntax", "single_quotes", "python_literals"}},
      {"tuple value", "[f(point=(1, 2), single=(3,), grouped=(4))]",
       R"([{"name":"f","arguments":{"grouped":4,"point":[1,2],"single":[3]}}])", {"python_syntax"}},
      {"keyword spacing", "[ f( a = 1 , b = 'x' ) ]",
       R"([{"name":"f","arguments":{"a":1,"b":"x"}}])", {"python_syntax", "single_quotes"}},
      {"numbers", "[f(a=-1.5e3, b=+2, c=.25, d=12345678901234567890, e=5.)]",
       R"([{"name":"f","arguments":{"a":-1500.0,"b":2,"c":0.25,"d":12345678901234567890,"e":5.0}}])",
       {"python_syntax"}},
      {"escapes", R"([f(a="line\nbreak \u00e9 \"q\"", b='it\'s', c="\x41\d")])",
       R"([{"name":"f","arguments":{"a":"line\nbreak é \"q\"","b":"it's","c":"A\\d"}}])",
       {"python_syntax", "single_quotes"}},
      {"surrogate pair", R"([{"name": "f", "arguments": {"a": "\ud83d\ude00"}}, ])",
       R"([{"name":"f","arguments":{"a":"😀"}}])", {"trailing_comma"}},
      {"markdown fence", "```json\n[{\"name\": \"f\", \"arguments\": {}}]\n```",
       R"([{"name":"f","arguments":{}}])", {"strip_fence"}},
      {"fence inside prose", "Here you go:\n```python\n[f(a=1)]\n```\nDone.",
       R"([{"name":"f","arguments":{"a":1}}])", {"strip_fence", "strip_prose", "python_syntax"}},
      {"cut-off fence", "```\n[f(a=1)]",
       R"([{"name":"f","arguments":{"a":1}}])", {"strip_fence", "python_syntax"}},
      {"prose before calls", "Sure (happy to help)! I will call it now:\n[f(a=1)]",
       R"([{"name":"f","arguments":{"a":1}}])", {"strip_prose", "python_syntax"}},
      {"end of turn token", "[f(a=1)]\n<end_of_turn>",
       R"([{"name":"f","arguments":{"a":1}}])", {"strip_special_tokens", "python_syntax"}},
      {"pipe tokens", "<|python_tag|>[f(a=1)]<|eot_id|>",
       R"([{"name":"f","arguments":{"a":1}}])", {"strip_special_tokens", "python_syntax"}},
      {"tool call tags", "[TOOL_CALLS]<tool_call>{\"name\": \"f\", \"arguments\": {}}</tool_call>",
       R"([{"name":"f","arguments":{}}])", {"strip_special_tokens", "single_object"}},
      {"trailing commas", R"([{"name": "f", "arguments": {"a": [1, 2,],},},])",
       R"([{"name":"f","arguments":{"a":[1,2]}}])", {"trailing_comma"}},
      {"cut-off string", R"([{"name": "f", "arguments": {"a": "hel)",
       R"([{"name":"f","arguments":{"a":"hel"}}])", {"close_brackets"}},
      {"cut-off python list", "[f(a=1), g(b=[1, 2",
       R"([{"name":"f","arguments":{"a":1}},{"name":"g","arguments":{"b":[1,2]}}])",
       {"python_syntax", "close_brackets"}},
      {"cut-off after equals", "[f(a=1, b=",
       R"([{"name":"f","arguments":{"a":1}}])", {"python_syntax", "close_brackets"}},
      {"cut-off literal", "[f(a=1, b=Tr",
       R"([{"name":"f","arguments":{"a":1}}])", {"python_syntax", "close_brackets"}},
      {"cut-off dict key", R"([f(a={"k": 1, "ot)",
       R"([{"name":"f","arguments":{"a":{"k":1}}}])", {"python_syntax", "close_brackets"}},
      {"cut-off function name", "[f(a=1), classfloadhk005.ru",
       R"([{"name":"f","arguments":{"a":1}}])", {"python_syntax", "close_brackets"}},
      {"mismatched closer", R"([f(a=["x", "y")]])",
       R"([{"name":"f","arguments":{"a":["x","y"]}}])",
       {"python_syntax", "close_brackets", "drop_trailing_garbage"}},
      {"brace closes call", "[f(a=1}]",
       R"([{"name":"f","arguments":{"a":1}}])",
       {"python_syntax", "close_brackets", "drop_trailing_garbage"}},
      {"trailing prose", R"([{"name": "f", "arguments": {}}] I hope this helps!)",
       R"([{"name":"f","arguments":{}}])", {"drop_trailing_garbage"}},
      {"single call object", R"({"name": "f", "arguments": {"a": 1}})",
       R"([{"name":"f","arguments":{"a":1}}])", {"single_object"}},
      {"tuple calls", "[('f', {'a': 1}), ('g', {})]",
       R"([{"name":"f","arguments":{"a":1}},{"name":"g","arguments":{}}])",
       {"python_syntax", "single_quotes"}},
      {"call lists per line", "[f(a=1)]\n[g(b=2)]",
       R"([{"name":"f","arguments":{"a":1}},{"name":"g","arguments":{"b":2}}])",
       {"python_syntax", "join_call_lists"}},
      {"bare calls per line", "f(a=1)\ng(b=2)\n",
       R"([{"name":"f","arguments":{"a":1}},{"name":"g","arguments":{"b":2}}])",
       {"python_syntax", "join_call_lists"}},
      {"python literals in json", R"([{"name": "f", "arguments": {"a": True}}])",
       R"([{"name":"f","arguments":{"a":true}}])", {"python_literals"}},
      {"single quoted json", R"([{'name': 'f', 'arguments': {'a': 'b'}}])",
       R"([{"name":"f","arguments":{"a":"b"}}])", {"single_quotes"}},
      {"non-ascii value", "[order(restaurant=\"肯德基\")]",
       "[{\"name\":\"order\",\"arguments\":{\"restaurant\":\"肯德基\"}}]", {"python_syntax"}},
  };
  return cases;
}

TEST(ParseTest, LenientRepairsBrokenOutputs) {
  for (const RepairCase& example : repair_cases()) {
    SCOPED_TRACE(example.label);
    const LenientParse parse = parse_lenient(example.input);

    ASSERT_TRUE(parse.calls.has_value());
    EXPECT_EQ(render_canonical(*parse.calls), example.expected);
    EXPECT_EQ(parse.repairs, example.repairs);
  }
}

TEST(ParseTest, LenientReadsBareEmptyList) {
  const LenientParse parse = parse_lenient(" [] ");

  ASSERT_TRUE(parse.calls.has_value());
  EXPECT_TRUE(parse.calls->empty());
  EXPECT_TRUE(parse.repairs.empty());
}

// Outputs that contain no readable calls: the lenient reading returns nullopt
// instead of a partial or invented answer.
TEST(ParseTest, LenientFailsCleanlyOnUnreadableOutputs) {
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"variable value", "[f(a=x)]"},
      {"expression value", "[f(a=x+1)]"},
      {"arithmetic value", "[f(a=1+2)]"},
      {"positional argument", "[f(1, 2)]"},
      {"nested call value", "[f(a=g(b=1))]"},
      {"later call unreadable", "[f(a=1), g(b=data['x'])]"},
      {"prose only", "I need more information. Which date (and time) do you mean?"},
      {"tool definition echo", R"([{"name": "f", "description": "d", "parameters": {}}])"},
      {"list of prose", R"(["I'd be happy to help, but which city?"])"},
      {"empty list in prose", "The result is [] for now."},
      {"list cut before first call", "[f"},
      {"missing parenthesis", R"([f a="x")])"},
      {"arguments not an object", R"([{"name": "f", "arguments": "[1, 2]"}])"},
      {"empty input", ""},
  };
  for (const auto& [label, input] : cases) {
    SCOPED_TRACE(label);
    const LenientParse parse = parse_lenient(input);

    EXPECT_FALSE(parse.calls.has_value());
    EXPECT_TRUE(parse.repairs.empty());
  }
}

TEST(ParseTest, LenientSurvivesDeepNesting) {
  const std::string input = "[f(a=" + std::string(100000, '[') + ")]";

  EXPECT_FALSE(parse_lenient(input).calls.has_value());
}

TEST(ParseTest, LenientScansLongProseQuickly) {
  std::string prose;
  for (int i = 0; i < 10000; ++i) prose += "word (and more) [x] {y} ";

  const LenientParse with_call = parse_lenient(prose + "[f(a=1)]");

  ASSERT_TRUE(with_call.calls.has_value());
  EXPECT_EQ(render_canonical(*with_call.calls), R"([{"name":"f","arguments":{"a":1}}])");
  EXPECT_FALSE(parse_lenient(prose).calls.has_value());
}

// Every cut of a valid output after its first call head still yields that
// call, whatever the cut splits (string, number, escape, key, bracket).
TEST(ParseTest, LenientRecoversEveryTruncation) {
  const std::string full = R"([f(a="x, \"y\"", b=[1.5, -2], c={'k': True}), g(d=None)])";
  for (std::size_t length = 3; length <= full.size(); ++length) {
    SCOPED_TRACE(full.substr(0, length));
    const LenientParse parse = parse_lenient(full.substr(0, length));

    ASSERT_TRUE(parse.calls.has_value());
    ASSERT_FALSE(parse.calls->empty());
    EXPECT_EQ((*parse.calls)[0].name, "f");
  }
}

TEST(ParseTest, LenientReadsFullTruncationSource) {
  const LenientParse parse = parse_lenient(R"([f(a="x, \"y\"", b=[1.5, -2], c={'k': True}), g(d=None)])");

  ASSERT_TRUE(parse.calls.has_value());
  EXPECT_EQ(render_canonical(*parse.calls),
            R"([{"name":"f","arguments":{"a":"x, \"y\"","b":[1.5,-2],"c":{"k":true}}},{"name":"g","arguments":{"d":null}}])");
}

}  // namespace
}  // namespace trm::tasks::function_call
