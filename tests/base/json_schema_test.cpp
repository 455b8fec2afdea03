// The JSON Schema validator against the official JSON-Schema-Test-Suite
// (Debian package json-schema-test-suite, draft 7), plus the dialect
// options that function definitions need.

#include "trm/tasks/function_call/json_schema.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace {

namespace fc = trm::tasks::function_call;
using json = nlohmann::json;

std::string suite_dir() {
  const char* override_dir = std::getenv("TRM_JSON_SCHEMA_SUITE");
  return override_dir != nullptr ? override_dir : "/usr/share/json-schema-test-suite/tests/draft7";
}

// Every keyword file of the suite for the keywords the validator checks.
const char* kKeywordFiles[] = {
    "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
    "propertyNames", "minProperties", "maxProperties", "items", "additionalItems", "contains", "minItems",
    "maxItems", "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minLength", "maxLength", "pattern", "allOf", "anyOf", "oneOf", "not", "if-then-else", "default",
    "boolean_schema"};

TEST(JsonSchemaTest, PassesOfficialSuiteForCheckedKeywords) {
  ASSERT_TRUE(std::filesystem::is_directory(suite_dir()))
      << suite_dir() << " not found: install the Debian package json-schema-test-suite (scripts/setup.sh does)";
  int checked = 0;
  int not_checked = 0;
  for (const char* keyword : kKeywordFiles) {
    const std::string path = suite_dir() + "/" + keyword + ".json";
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    const json groups = json::parse(in);
    for (const auto& group : groups) {
      for (const auto& test : group["tests"]) {
        const auto result = fc::validate_json(test["data"], group["schema"]);
        if (!result.complete()) {
          ++not_checked;
          EXPECT_TRUE(result.valid() || !test["valid"].get<bool>())
              << "a partial check still rejected a valid value: " << keyword << " / " << group["description"];
          continue;
        }
        ++checked;
        EXPECT_EQ(result.valid(), test["valid"].get<bool>())
            << keyword << ".json / " << group["description"].get<std::string>() << " / "
            << test["description"].get<std::string>();
      }
    }
  }
  std::printf("[json_schema] suite cases checked: %d, not checked: %d\n", checked, not_checked);
  // The draft-7 files above hold 355 cases, and none of them needs an unchecked keyword.
  EXPECT_GE(checked, 355);
  EXPECT_EQ(not_checked, 0);
}

TEST(JsonSchemaTest, ReportsRefAsNotChecked) {
  const std::string path = suite_dir() + "/ref.json";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  const json groups = json::parse(in);
  int with_ref = 0;
  for (const auto& group : groups) {
    if (group["schema"].dump().find("\"$ref\"") == std::string::npos) continue;
    for (const auto& test : group["tests"]) {
      const auto result = fc::validate_json(test["data"], group["schema"]);
      if (result.unchecked.empty()) continue;  // the $ref sat on a branch this value never reached
      ++with_ref;
      EXPECT_NE(result.unchecked.front().find("$ref at $"), std::string::npos) << result.unchecked.front();
    }
  }
  EXPECT_GT(with_ref, 20);
}

TEST(JsonSchemaTest, UnknownTypeNameIsNotChecked) {
  const auto result = fc::validate_json(3, json::parse(R"({"type": "shape"})"));
  EXPECT_TRUE(result.valid());
  ASSERT_EQ(result.unchecked.size(), 1u);
  EXPECT_EQ(result.unchecked[0], "type 'shape' at $");
}

TEST(JsonSchemaTest, StrictDialectRejectsAliases) {
  const json schema = json::parse(R"({"type": "dict"})");
  EXPECT_FALSE(fc::validate_json(json::object(), schema).complete());
  EXPECT_TRUE(fc::validate_json(json::object(), schema, fc::SchemaDialect::function_call()).complete());
  EXPECT_FALSE(fc::validate_json(3, schema, fc::SchemaDialect::function_call()).valid());
}

TEST(JsonSchemaTest, FunctionCallDialectReadsBfclConventions) {
  const auto dialect = fc::SchemaDialect::function_call();
  // 1.0 is a float in BFCL's Python check, an integer in JSON Schema.
  EXPECT_FALSE(fc::validate_json(1.0, json::parse(R"({"type": "integer"})"), dialect).valid());
  EXPECT_TRUE(fc::validate_json(1.0, json::parse(R"({"type": "integer"})")).valid());
  // A null default allows null.
  EXPECT_TRUE(fc::validate_json(nullptr, json::parse(R"({"type": "string", "default": null})"), dialect).valid());
  EXPECT_FALSE(fc::validate_json(nullptr, json::parse(R"({"type": "string", "default": null})")).valid());
  // Listed properties are all the properties.
  const json object_schema = json::parse(R"({"type": "object", "properties": {"a": {"type": "integer"}}})");
  const auto closed = fc::validate_json(json::parse(R"({"a": 1, "b": 2})"), object_schema, dialect);
  ASSERT_EQ(closed.violations.size(), 1u);
  EXPECT_EQ(closed.violations[0].keyword, "additionalProperties");
  EXPECT_EQ(closed.violations[0].path, "$.b");
  EXPECT_TRUE(fc::validate_json(json::parse(R"({"a": 1, "b": 2})"), object_schema).valid());
  // A Java type accepts a source-expression string.
  EXPECT_TRUE(fc::validate_json("new ArrayList<>()", json::parse(R"({"type": "ArrayList"})"), dialect).valid());
}

TEST(JsonSchemaTest, NullableAllowsNull) {
  EXPECT_TRUE(fc::validate_json(nullptr, json::parse(R"({"type": "string", "nullable": true})")).valid());
  EXPECT_FALSE(fc::validate_json(nullptr, json::parse(R"({"type": "string"})")).valid());
}

TEST(JsonSchemaTest, ViolationsNameKeywordAndPath) {
  const json schema = json::parse(R"({"type": "object", "properties": {
      "n": {"type": "integer", "maximum": 5}, "s": {"type": "string", "pattern": "^[a-z]+$"},
      "l": {"type": "array", "items": {"type": "number"}, "maxItems": 2}}})");
  const auto result = fc::validate_json(json::parse(R"({"n": 9, "s": "AB", "l": [1, "x", 3]})"), schema);
  ASSERT_EQ(result.violations.size(), 4u);
  EXPECT_EQ(result.violations[0].keyword, "type");
  EXPECT_EQ(result.violations[0].path, "$.l[1]");
  EXPECT_EQ(result.violations[1].keyword, "maxItems");
  EXPECT_EQ(result.violations[2].keyword, "maximum");
  EXPECT_EQ(result.violations[2].path, "$.n");
  EXPECT_EQ(result.violations[2].message, "9 is above 5");
  EXPECT_EQ(result.violations[3].keyword, "pattern");
  EXPECT_EQ(result.violations[3].path, "$.s");
}

}  // namespace
