#include "trm/tasks/function_call/record.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace trm::tasks::function_call {
namespace {

json minimal_line() {
  return json::parse(R"({"id": "simple_python_0", "query": "Area of a triangle with base 10?",
                         "tools": [{"name": "calculate_triangle_area", "parameters": {"type": "dict"}}]})");
}

std::string error_message(const json& value, const std::string& where = "dev.jsonl:12") {
  try {
    parse_record(value, where);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(RecordTest, ParsesRequiredFields) {
  const Record record = parse_record(minimal_line(), "dev.jsonl:1");

  EXPECT_EQ(record.id, "simple_python_0");
  EXPECT_EQ(record.query, "Area of a triangle with base 10?");
  ASSERT_EQ(record.tools.size(), 1u);
  EXPECT_EQ(record.tools[0]["name"], "calculate_triangle_area");
  EXPECT_EQ(record.category, "");
  EXPECT_FALSE(record.base_output.has_value());
  EXPECT_FALSE(record.gold.has_value());
  EXPECT_FALSE(record.acceptable.has_value());
  EXPECT_TRUE(record.faults.empty());
  EXPECT_EQ(record.raw, minimal_line());
}

TEST(RecordTest, ParsesOptionalFields) {
  json line = minimal_line();
  line["category"] = "simple_python";
  line["split"] = "dev";
  line["system"] = "Be brief.";
  line["base_output"] = "[calculate_triangle_area(base=10)]";
  line["gold"] = json::parse(R"([{"name": "calculate_triangle_area", "arguments": {"base": 10}}])");
  line["acceptable"] = json::parse(R"([{"calculate_triangle_area": {"base": [10]}}])");
  line["faults"] = {"python_syntax"};

  const Record record = parse_record(line, "dev.jsonl:1");

  EXPECT_EQ(record.category, "simple_python");
  EXPECT_EQ(record.split, "dev");
  EXPECT_EQ(record.system, "Be brief.");
  EXPECT_EQ(record.base_output, "[calculate_triangle_area(base=10)]");
  ASSERT_TRUE(record.gold.has_value());
  EXPECT_EQ(*record.gold, (CallList{Call{"calculate_triangle_area", json{{"base", 10}}}}));
  EXPECT_EQ(record.acceptable, line["acceptable"]);
  EXPECT_EQ(record.faults, std::vector<std::string>{"python_syntax"});
}

TEST(RecordTest, ConvertsNumericIdToString) {
  json line = minimal_line();
  line["id"] = 42;

  EXPECT_EQ(parse_record(line, "x").id, "42");
}

TEST(RecordTest, RejectsNonObjectRecord) {
  EXPECT_EQ(error_message(json::array()), "dev.jsonl:12: record must be a JSON object, got array");
}

TEST(RecordTest, RejectsMissingId) {
  json line = minimal_line();
  line.erase("id");

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'id': missing (required)");
}

TEST(RecordTest, RejectsBooleanId) {
  json line = minimal_line();
  line["id"] = true;

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'id': must be a string or a number, got boolean");
}

TEST(RecordTest, RejectsNonStringQuery) {
  json line = minimal_line();
  line["query"] = json::array();

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'query': must be a string, got array");
}

TEST(RecordTest, RejectsToolsNotArray) {
  json line = minimal_line();
  line["tools"] = "calculate_triangle_area";

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'tools': must be an array, got string");
}

TEST(RecordTest, RejectsToolWithoutName) {
  json line = minimal_line();
  line["tools"].push_back(json{{"description", "no name"}});

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'tools[1].name': missing (required)");
}

TEST(RecordTest, RejectsToolThatIsNotObject) {
  json line = minimal_line();
  line["tools"] = {"f"};

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'tools[0]': must be an object, got string");
}

TEST(RecordTest, RejectsNonStringCategory) {
  json line = minimal_line();
  line["category"] = 7;

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'category': must be a string, got number");
}

TEST(RecordTest, RejectsNonStringBaseOutput) {
  json line = minimal_line();
  line["base_output"] = json::array();

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'base_output': must be a string, got array");
}

TEST(RecordTest, GoldErrorNamesField) {
  json line = minimal_line();
  line["gold"] = json::parse(R"([{"name": "f", "arguments": {}}, {"name": "g", "arguments": "{}"}])");

  EXPECT_EQ(error_message(line), "dev.jsonl:12: gold[1]: field 'arguments': must be an object, got string");
}

TEST(RecordTest, RejectsGoldNotArray) {
  json line = minimal_line();
  line["gold"] = json::object();

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'gold': must be an array of calls, got object");
}

TEST(RecordTest, RejectsAcceptableElementNotObject) {
  json line = minimal_line();
  line["acceptable"] = {"f"};

  EXPECT_EQ(error_message(line),
            "dev.jsonl:12: field 'acceptable[0]': must be an object {function_name: {param: [values]}}, got string");
}

TEST(RecordTest, RejectsNonStringFault) {
  json line = minimal_line();
  line["faults"] = {"python_syntax", 3};

  EXPECT_EQ(error_message(line), "dev.jsonl:12: field 'faults[1]': must be a string, got number");
}

TEST(RecordTest, TreatsNullOptionalAsAbsent) {
  json line = minimal_line();
  line["base_output"] = nullptr;
  line["gold"] = nullptr;
  line["system"] = nullptr;

  const Record record = parse_record(line, "x");

  EXPECT_FALSE(record.base_output.has_value());
  EXPECT_FALSE(record.gold.has_value());
  EXPECT_EQ(record.system, "");
}

TEST(RecordTest, ToJsonKeepsExtraFields) {
  json line = minimal_line();
  line["gold_flags"] = {"empty_acceptable:x"};
  Record record = parse_record(line, "x");
  record.base_output = "[f()]";
  record.faults = {"drop_argument"};

  const json value = record_to_json(record);

  EXPECT_EQ(value["gold_flags"], json({"empty_acceptable:x"}));
  EXPECT_EQ(value["base_output"], "[f()]");
  EXPECT_EQ(value["faults"], json({"drop_argument"}));
  EXPECT_EQ(value["id"], "simple_python_0");
  EXPECT_FALSE(value.contains("category"));
}

TEST(RecordTest, ToJsonWritesIdAsString) {
  json line = minimal_line();
  line["id"] = 7;

  EXPECT_EQ(record_to_json(parse_record(line, "x"))["id"], "7");
}

TEST(RecordTest, ToJsonRemovesClearedOptional) {
  json line = minimal_line();
  line["base_output"] = "text";
  line["gold"] = json::array();
  Record record = parse_record(line, "x");
  record.base_output.reset();
  record.gold.reset();

  const json value = record_to_json(record);

  EXPECT_FALSE(value.contains("base_output"));
  EXPECT_FALSE(value.contains("gold"));
}

TEST(RecordTest, RoundTripsBfclLine) {
  const json line = json::parse(R"({"id": "parallel_3", "category": "parallel", "split": "train",
      "query": "q", "system": "", "tools": [{"name": "f"}],
      "gold": [{"name": "f", "arguments": {"a": 1}}], "gold_flags": [],
      "acceptable": [{"f": {"a": [1]}}]})");

  EXPECT_EQ(record_to_json(parse_record(line, "x")), line);
}

}  // namespace
}  // namespace trm::tasks::function_call
