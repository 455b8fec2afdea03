#include "trm/tasks/function_call/schema.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace trm::tasks::function_call {
namespace {

// BFCL's Python dialect (`dict`, `float`, `tuple`) and a Java-style function.
const json& tools() {
  static const json value = json::parse(R"([
    {"name": "get_weather", "description": "Weather for a city.",
     "parameters": {"type": "dict", "required": ["city"], "properties": {
       "city": {"type": "string"},
       "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
       "days": {"type": "integer"},
       "ratio": {"type": "float"},
       "flag": {"type": "boolean"},
       "tags": {"type": "array", "items": {"type": "string"}},
       "point": {"type": "tuple", "items": {"type": "float"}},
       "metrics": {"type": "array", "items": {"type": "string"}, "enum": ["temperature", "humidity"]},
       "since": {"type": "string", "default": null},
       "note": {"type": ["string", "null"]},
       "extra": {"type": "any"},
       "shape": {"type": "polygon"},
       "options": {"type": "dict", "required": ["verbose"], "properties": {
         "verbose": {"type": "boolean"},
         "level": {"type": "integer"}}},
       "headers": {"type": "dict"}}}},
    {"name": "Cache.put",
     "parameters": {"type": "dict", "required": ["key"], "properties": {
       "key": {"type": "String"},
       "ttl": {"type": "long"},
       "values": {"type": "ArrayList", "items": {"type": "String"}},
       "config": {"type": "HashMap"},
       "listener": {"type": "any"}}}}
  ])");
  return value;
}

std::vector<SchemaIssue> validate(const std::string& calls_json) {
  return validate_calls(calls_from_json(json::parse(calls_json)), tools());
}

TEST(SchemaTest, AcceptsValidCall) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {
      "city": "Paris", "unit": "celsius", "days": 3, "ratio": 0.5, "flag": false,
      "tags": ["a", "b"], "point": [1.0, 2], "metrics": ["humidity"],
      "options": {"verbose": true, "level": 2}, "headers": {"any": "thing"}}}])");

  EXPECT_TRUE(issues.empty());
}

TEST(SchemaTest, ReportsEmptyCallList) {
  const auto issues = validate_calls({}, tools());

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "empty_call_list");
  EXPECT_EQ(issues[0].path, "calls");
}

TEST(SchemaTest, ReportsUnknownFunction) {
  const auto issues = validate(R"([{"name": "get_wether", "arguments": {"city": "Paris"}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "unknown_function");
  EXPECT_EQ(issues[0].path, "calls[0].name");
  EXPECT_EQ(issues[0].message, "function 'get_wether' is not defined (defined: Cache.put, get_weather)");
}

TEST(SchemaTest, ReportsMissingRequired) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"days": 2}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "missing_required");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.city");
}

TEST(SchemaTest, ReportsUnknownArgument) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "country": "FR"}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "unknown_argument");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.country");
}

TEST(SchemaTest, ReportsWrongTypeForString) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": 75001}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.city");
  EXPECT_EQ(issues[0].message, "expected string, got number 75001");
}

TEST(SchemaTest, RejectsFloatForInteger) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "days": 5.0}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.days");
}

TEST(SchemaTest, RejectsBooleanForInteger) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "days": true}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
}

TEST(SchemaTest, AcceptsIntegerForFloat) {
  EXPECT_TRUE(validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "ratio": 2}}])").empty());
}

TEST(SchemaTest, RejectsStringForBoolean) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "flag": "true"}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.flag");
}

TEST(SchemaTest, ReportsValueOutsideEnum) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "unit": "Celsius"}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "not_in_enum");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.unit");
  EXPECT_EQ(issues[0].message, R"("Celsius" is not one of ["celsius","fahrenheit"])");
}

TEST(SchemaTest, AppliesScalarEnumToArrayElements) {
  const auto issues =
      validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "metrics": ["humidity", "wind"]}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "not_in_enum");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.metrics[1]");
}

TEST(SchemaTest, ChecksArrayItems) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "tags": ["a", 2]}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.tags[1]");
}

TEST(SchemaTest, TupleAcceptsArrayOnly) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "point": "1,2"}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.point");
}

TEST(SchemaTest, ChecksNestedObjectProperties) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris",
      "options": {"level": "high", "colour": true}}}])");

  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].kind, "missing_required");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.options.verbose");
  EXPECT_EQ(issues[1].kind, "unknown_argument");
  EXPECT_EQ(issues[1].path, "calls[0].arguments.options.colour");
  EXPECT_EQ(issues[2].kind, "wrong_type");
  EXPECT_EQ(issues[2].path, "calls[0].arguments.options.level");
}

TEST(SchemaTest, AcceptsNullWhenDefaultIsNull) {
  EXPECT_TRUE(validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "since": null}}])").empty());
}

TEST(SchemaTest, RejectsNullWithoutNullDefault) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": null}}])");

  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
}

TEST(SchemaTest, UnionTypeAcceptsEachMember) {
  EXPECT_TRUE(validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "note": null}}])").empty());
  EXPECT_TRUE(validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "note": "hi"}}])").empty());

  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "note": 1}}])");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message, "expected string or null, got number 1");
}

TEST(SchemaTest, AnyAcceptsEveryValue) {
  EXPECT_TRUE(validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "extra": [1, {"a": null}]}}])")
                  .empty());
}

TEST(SchemaTest, LeavesUnknownTypeNameUnchecked) {
  EXPECT_TRUE(validate(R"([{"name": "get_weather", "arguments": {"city": "Paris", "shape": 3}}])").empty());
}

TEST(SchemaTest, AcceptsSourceStringsForJavaTypes) {
  const auto issues = validate(R"json([{"name": "Cache.put", "arguments": {"key": "answer", "ttl": "60L",
      "values": "Arrays.asList(\"a\")", "config": "new HashMap<>()", "listener": "this::onPut"}}])json");

  EXPECT_TRUE(issues.empty());
}

TEST(SchemaTest, ChecksStructuredValuesForJavaTypes) {
  const auto issues = validate(R"([{"name": "Cache.put", "arguments": {"key": "answer", "ttl": true,
      "values": ["a", 1], "config": {"limit": 50}}}])");

  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.ttl");
  EXPECT_EQ(issues[1].kind, "wrong_type");
  EXPECT_EQ(issues[1].path, "calls[0].arguments.values[1]");
}

TEST(SchemaTest, ReportsIssuesOfEveryCall) {
  const auto issues = validate(R"([{"name": "get_weather", "arguments": {"city": "Paris"}},
                                   {"name": "Cache.put", "arguments": {}},
                                   {"name": "nope", "arguments": {}}])");

  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].path, "calls[1].arguments.key");
  EXPECT_EQ(issues[1].path, "calls[2].name");
}

TEST(SchemaTest, FunctionWithoutParametersTakesNoArguments) {
  const json bare_tools = json::parse(R"([{"name": "ping"}])");

  EXPECT_TRUE(validate_calls({Call{"ping", json::object()}}, bare_tools).empty());
  const auto issues = validate_calls({Call{"ping", json{{"host", "x"}}}}, bare_tools);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "unknown_argument");
}

TEST(SchemaTest, AdditionalPropertiesSchemaChecksExtraKeys) {
  const json open_tools = json::parse(R"([{"name": "tag", "parameters": {"type": "object",
      "properties": {}, "additionalProperties": {"type": "string"}}}])");

  EXPECT_TRUE(validate_calls({Call{"tag", json{{"color", "red"}}}}, open_tools).empty());
  const auto issues = validate_calls({Call{"tag", json{{"size", 3}}}}, open_tools);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].kind, "wrong_type");
  EXPECT_EQ(issues[0].path, "calls[0].arguments.size");
}

TEST(SchemaTest, RejectsToolsThatAreNotArray) {
  const CallList calls = {Call{"f", json::object()}};

  EXPECT_THROW(validate_calls(calls, json::object()), std::invalid_argument);
}

}  // namespace
}  // namespace trm::tasks::function_call
