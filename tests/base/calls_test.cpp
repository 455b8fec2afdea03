#include "trm/tasks/function_call/calls.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace trm::tasks::function_call {
namespace {

std::string error_message(const json& value) {
  try {
    calls_from_json(value);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(CallsTest, RendersNameBeforeSortedArguments) {
  Call call{"get_weather", json::object()};
  call.arguments["unit"] = "celsius";
  call.arguments["city"] = "Paris";
  call.arguments["days"] = 3;

  EXPECT_EQ(render_canonical({call}),
            R"([{"name":"get_weather","arguments":{"city":"Paris","days":3,"unit":"celsius"}}])");
}

TEST(CallsTest, SortsNestedKeysAndKeepsFloats) {
  const Call call{"f", json::parse(R"({"b": {"z": 1, "a": [2.5, 3.0]}, "a": null})")};

  EXPECT_EQ(render_canonical({call}), R"([{"name":"f","arguments":{"a":null,"b":{"a":[2.5,3.0],"z":1}}}])");
}

TEST(CallsTest, RendersEmptyListAsBrackets) { EXPECT_EQ(render_canonical({}), "[]"); }

TEST(CallsTest, KeepsNonAsciiAsUtf8) {
  const Call call{"order", json{{"restaurant", "肯德基"}}};

  EXPECT_EQ(render_canonical({call}), "[{\"name\":\"order\",\"arguments\":{\"restaurant\":\"肯德基\"}}]");
}

TEST(CallsTest, ReplacesInvalidUtf8) {
  const Call call{"f", json{{"a", std::string("x\xff")}}};

  EXPECT_EQ(render_canonical({call}), "[{\"name\":\"f\",\"arguments\":{\"a\":\"x\xEF\xBF\xBD\"}}]");
}

TEST(CallsTest, EqualCallsRenderIdentically) {
  const Call first{"f", json::parse(R"({"a": 1, "b": "x"})")};
  const Call second{"f", json::parse(R"({"b": "x", "a": 1})")};

  EXPECT_EQ(first, second);
  EXPECT_EQ(render_canonical({first}), render_canonical({second}));
}

TEST(CallsTest, FromJsonReadsCalls) {
  const CallList calls = calls_from_json(
      json::parse(R"([{"name": "f", "arguments": {"a": 1}}, {"name": "g", "arguments": {}}])"));

  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].name, "f");
  EXPECT_EQ(calls[0].arguments, json({{"a", 1}}));
  EXPECT_EQ(calls[1].name, "g");
  EXPECT_EQ(calls[1].arguments, json::object());
}

TEST(CallsTest, FromJsonRejectsNonArray) {
  EXPECT_EQ(error_message(json::parse(R"({"name": "f"})")), "calls: must be an array, got object");
}

TEST(CallsTest, FromJsonNamesElementAndField) {
  const json value = json::parse(R"([{"name": "f", "arguments": {}}, {"name": "g", "arguments": "{}"}])");

  EXPECT_EQ(error_message(value), "calls[1]: field 'arguments': must be an object, got string");
}

TEST(CallsTest, FromJsonRejectsNonObjectElement) {
  EXPECT_EQ(error_message(json::parse(R"(["f"])")), "calls[0]: must be an object, got string");
}

TEST(CallsTest, FromJsonRejectsMissingName) {
  EXPECT_EQ(error_message(json::parse(R"([{"arguments": {}}])")), "calls[0]: field 'name': missing");
}

TEST(CallsTest, FromJsonRejectsNumericName) {
  EXPECT_EQ(error_message(json::parse(R"([{"name": 3, "arguments": {}}])")),
            "calls[0]: field 'name': must be a string, got number");
}

TEST(CallsTest, FromJsonRejectsEmptyName) {
  EXPECT_EQ(error_message(json::parse(R"([{"name": "", "arguments": {}}])")),
            "calls[0]: field 'name': must not be empty");
}

TEST(CallsTest, FromJsonRejectsMissingArguments) {
  EXPECT_EQ(error_message(json::parse(R"([{"name": "f"}])")), "calls[0]: field 'arguments': missing");
}

TEST(CallsTest, FromJsonRejectsUnknownField) {
  EXPECT_EQ(error_message(json::parse(R"([{"name": "f", "arguments": {}, "id": "x"}])")),
            "calls[0]: field 'id': unknown field (allowed: name, arguments)");
}

TEST(CallsTest, FromJsonUsesLabelInMessages) {
  try {
    calls_from_json(json::parse(R"([{"name": "f", "arguments": []}])"), "gold");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "gold[0]: field 'arguments': must be an object, got array");
  }
}

TEST(CallsTest, ToJsonRoundTrips) {
  const CallList calls = {Call{"f", json{{"a", 1}}}, Call{"math.factorial", json{{"number", 5}}}};

  const json value = calls_to_json(calls);

  EXPECT_EQ(value, json::parse(R"([{"name": "f", "arguments": {"a": 1}},
                                   {"name": "math.factorial", "arguments": {"number": 5}}])"));
  EXPECT_EQ(calls_from_json(value), calls);
}

}  // namespace
}  // namespace trm::tasks::function_call
