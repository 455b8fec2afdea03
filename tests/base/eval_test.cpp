#include "trm/eval/report.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace trm::eval {
namespace {

// get_weather(city: string, required; unit: "celsius" | "fahrenheit", optional).
json weather_tools() {
  return json::parse(R"([{"name": "get_weather", "description": "Current weather of a city.",
    "parameters": {"type": "dict", "properties": {
      "city": {"type": "string", "description": "City name."},
      "unit": {"type": "string", "enum": ["celsius", "fahrenheit"], "description": "Temperature unit."}},
    "required": ["city"]}}])");
}

const char* kParisCall = R"([{"name": "get_weather", "arguments": {"city": "Paris"}}])";

// A refine output line for "weather in Paris" whose gold omits the optional
// `unit` and whose BFCL possible answer allows omitting it ("") or "celsius".
json weather_line(const std::string& base_output, const std::string& refined_output) {
  return {{"id", "weather_0"},
          {"category", "simple_python"},
          {"split", "dev"},
          {"query", "What is the weather in Paris?"},
          {"tools", weather_tools()},
          {"gold", json::parse(kParisCall)},
          {"acceptable", json::parse(R"([{"get_weather": {"city": ["Paris"], "unit": ["", "celsius"]}}])")},
          {"faults", json::array()},
          {"base_output", base_output},
          {"refined_output", refined_output},
          {"steps", 2},
          {"stop_reason", "halted"},
          {"ms", 10.0}};
}

// spotify.play(artist: string, duration: integer), both required, asked for twice.
json parallel_line(const std::string& category, const std::string& output) {
  return {{"id", "parallel_0"},
          {"category", category},
          {"query", "Play Taylor Swift for 20 minutes and Maroon 5 for 15 minutes."},
          {"tools", json::parse(R"([{"name": "spotify.play", "description": "Play songs of an artist.",
            "parameters": {"type": "dict", "properties": {
              "artist": {"type": "string", "description": "Artist."},
              "duration": {"type": "integer", "description": "Minutes."}},
            "required": ["artist", "duration"]}}])")},
          {"gold", json::parse(R"([{"name": "spotify.play", "arguments": {"artist": "Taylor Swift", "duration": 20}},
                                   {"name": "spotify.play", "arguments": {"artist": "Maroon 5", "duration": 15}}])")},
          {"acceptable", json::parse(R"([{"spotify.play": {"artist": ["Taylor Swift"], "duration": [20]}},
                                         {"spotify.play": {"artist": ["Maroon 5"], "duration": [15]}}])")},
          {"base_output", output},
          {"refined_output", output},
          {"steps", 0},
          {"stop_reason", "passthrough"},
          {"ms", 1.0}};
}

const char* kSwappedSpotifyCalls = R"([{"name": "spotify.play", "arguments": {"artist": "Maroon 5", "duration": 15}},
  {"name": "spotify.play", "arguments": {"artist": "Taylor Swift", "duration": 20}}])";

// Collapses runs of spaces, so that assertions do not depend on column padding.
std::string squeeze_spaces(const std::string& text) {
  std::string result;
  for (char c : text) {
    if (c == ' ' && !result.empty() && result.back() == ' ') continue;
    result += c;
  }
  return result;
}

TEST(EvalTest, TrailingCommaRepairCountsAsFixed) {
  const std::string base = R"([{"name": "get_weather", "arguments": {"city": "Paris",}}])";
  const RecordEval record = evaluate_record(weather_line(base, kParisCall));

  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_FALSE(record.base.json_ok);
  EXPECT_FALSE(record.base.schema_ok);
  EXPECT_EQ(record.base.acceptable, std::optional<bool>(false));
  EXPECT_TRUE(record.refined.schema_ok);
  EXPECT_EQ(record.refined.exact, std::optional<bool>(true));
  EXPECT_EQ(record.refined.acceptable, std::optional<bool>(true));

  const Report report = build_report({record});
  EXPECT_EQ(report.overall.fixed, 1);
  EXPECT_EQ(report.overall.broken, 0);
  EXPECT_EQ(report.overall.acceptable_fixed, 1);
  EXPECT_EQ(report.overall.acceptable_broken, 0);
}

TEST(EvalTest, RefinementDroppingRequiredCountsBroken) {
  const std::string refined = R"([{"name": "get_weather", "arguments": {"unit": "celsius"}}])";
  const RecordEval record = evaluate_record(weather_line(kParisCall, refined));

  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_TRUE(record.base.schema_ok);
  EXPECT_TRUE(record.refined.json_ok);
  EXPECT_TRUE(record.refined.shape_ok);
  EXPECT_FALSE(record.refined.schema_ok);
  EXPECT_FALSE(record.refined.schema_issues.empty());

  const Report report = build_report({record});
  EXPECT_EQ(report.overall.fixed, 0);
  EXPECT_EQ(report.overall.broken, 1);
  EXPECT_EQ(report.overall.acceptable_broken, 1);
}

TEST(EvalTest, ParallelExactMatchIgnoresOrder) {
  const RecordEval record = evaluate_record(parallel_line("parallel", kSwappedSpotifyCalls));

  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.refined.exact, std::optional<bool>(true));
  EXPECT_EQ(record.refined.acceptable, std::optional<bool>(true));
}

TEST(EvalTest, LiveParallelMultipleIgnoresOrder) {
  const RecordEval record = evaluate_record(parallel_line("live_parallel_multiple", kSwappedSpotifyCalls));

  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.refined.exact, std::optional<bool>(true));
}

TEST(EvalTest, NonParallelExactMatchKeepsOrder) {
  const RecordEval record = evaluate_record(parallel_line("multiple", kSwappedSpotifyCalls));

  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.refined.exact, std::optional<bool>(false));
}

TEST(EvalTest, ParallelExactMatchCountsDuplicates) {
  const std::string twice_taylor = R"([{"name": "spotify.play", "arguments": {"artist": "Taylor Swift", "duration": 20}},
    {"name": "spotify.play", "arguments": {"artist": "Taylor Swift", "duration": 20}}])";
  const RecordEval record = evaluate_record(parallel_line("parallel", twice_taylor));

  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_EQ(record.refined.exact, std::optional<bool>(false));
}

TEST(EvalTest, AcceptableAllowsOmittedOptionalParameter) {
  const std::string with_unit = R"([{"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}])";
  const RecordEval record = evaluate_record(weather_line(kParisCall, with_unit));

  ASSERT_TRUE(record.error.empty()) << record.error;
  // The base omits `unit`: equal to gold and acceptable.
  EXPECT_EQ(record.base.exact, std::optional<bool>(true));
  EXPECT_EQ(record.base.acceptable, std::optional<bool>(true));
  // The refined output gives `unit`: no longer equal to gold, still acceptable.
  EXPECT_EQ(record.refined.exact, std::optional<bool>(false));
  EXPECT_EQ(record.refined.acceptable, std::optional<bool>(true));
}

TEST(EvalTest, StringArgumentsFailStrictShape) {
  const std::string encoded = R"([{"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}])";
  const RecordEval record = evaluate_record(weather_line(encoded, kParisCall));

  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_TRUE(record.base.json_ok);
  EXPECT_FALSE(record.base.shape_ok);
  EXPECT_FALSE(record.base.schema_ok);
  EXPECT_EQ(record.base.exact, std::optional<bool>(false));
  EXPECT_EQ(record.base.acceptable, std::optional<bool>(false));
}

TEST(EvalTest, MissingGoldLeavesExactUnset) {
  json line = weather_line(kParisCall, kParisCall);
  line.erase("gold");
  line.erase("acceptable");
  const RecordEval record = evaluate_record(line);

  ASSERT_TRUE(record.error.empty()) << record.error;
  EXPECT_FALSE(record.refined.exact.has_value());
  EXPECT_FALSE(record.refined.acceptable.has_value());

  const Report report = build_report({record});
  EXPECT_EQ(report.overall.refined["exact"]["total"], 0);
  EXPECT_TRUE(report.overall.refined["exact"]["rate"].is_null());
  EXPECT_EQ(report.overall.refined["schema_ok"]["total"], 1);
}

TEST(EvalTest, ErrorLinesExcludedFromRates) {
  const std::string broken_base = R"([{"name": "get_weather", "arguments": {"city": "Paris",}}])";
  const RecordEval good = evaluate_record(weather_line(broken_base, kParisCall));
  const RecordEval failed = evaluate_record(json::parse(R"({"line": 7, "error": "tokenizer failed"})"));

  EXPECT_EQ(failed.error, "tokenizer failed");

  const Report report = build_report({good, failed});
  EXPECT_EQ(report.overall.records, 2);
  EXPECT_EQ(report.overall.errors, 1);
  EXPECT_EQ(report.overall.evaluated(), 1);
  EXPECT_EQ(report.overall.base["schema_ok"]["total"], 1);
  EXPECT_EQ(report.overall.base["schema_ok"]["count"], 0);
  EXPECT_EQ(report.overall.refined["schema_ok"]["rate"], 1.0);
  EXPECT_DOUBLE_EQ(report.overall.mean_steps, 2.0);
  EXPECT_DOUBLE_EQ(report.overall.ms_per_record, 10.0);
  EXPECT_EQ(report.overall.step_histogram, (std::map<int, int>{{2, 1}}));
}

TEST(EvalTest, NullRefinedOutputWithoutErrorIsError) {
  json line = weather_line(kParisCall, kParisCall);
  line["refined_output"] = nullptr;
  const RecordEval record = evaluate_record(line);

  EXPECT_NE(record.error.find("refined_output"), std::string::npos) << record.error;
  EXPECT_EQ(record.id, "weather_0");
}

TEST(EvalTest, NegativeStepsIsError) {
  json line = weather_line(kParisCall, kParisCall);
  line["steps"] = -1;
  const RecordEval record = evaluate_record(line);

  EXPECT_NE(record.error.find("got number -1"), std::string::npos) << record.error;
}

TEST(EvalTest, NonObjectLineIsError) {
  const RecordEval record = evaluate_record(json::array({1, 2}));

  EXPECT_NE(record.error.find("must be a JSON object"), std::string::npos) << record.error;
}

TEST(EvalTest, WrongStepsTypeIsError) {
  json line = weather_line(kParisCall, kParisCall);
  line["steps"] = "two";
  const RecordEval record = evaluate_record(line);

  EXPECT_NE(record.error.find("'steps'"), std::string::npos) << record.error;
}

TEST(EvalTest, ByFaultCountsRecordUnderEachLabel) {
  const std::string broken_base = R"([{'name': 'get_weather', 'arguments': {'city': 'Paris',}}])";
  json faulty = weather_line(broken_base, kParisCall);
  faulty["faults"] = {"trailing_comma", "single_quotes"};
  json clean = weather_line(kParisCall, kParisCall);
  clean["category"] = "live_simple";

  const Report report = build_report({evaluate_record(faulty), evaluate_record(clean)});

  EXPECT_EQ(report.overall.records, 2);
  ASSERT_EQ(report.by_fault.size(), 3u);
  EXPECT_EQ(report.by_fault.at("trailing_comma").records, 1);
  EXPECT_EQ(report.by_fault.at("trailing_comma").fixed, 1);
  EXPECT_EQ(report.by_fault.at("single_quotes").records, 1);
  EXPECT_EQ(report.by_fault.at("single_quotes").fixed, 1);
  EXPECT_EQ(report.by_fault.at(kCleanLabel).records, 1);
  EXPECT_EQ(report.by_fault.at(kCleanLabel).fixed, 0);
  EXPECT_EQ(report.by_category.at("simple_python").records, 1);
  EXPECT_EQ(report.by_category.at("live_simple").records, 1);
}

TEST(EvalTest, MarkdownShowsTableAndPercentages) {
  const std::string broken_base = R"([{"name": "get_weather", "arguments": {"city": "Paris",}}])";
  const Report report = build_report({evaluate_record(weather_line(kParisCall, kParisCall)),
                                      evaluate_record(weather_line(broken_base, kParisCall)),
                                      evaluate_record(weather_line(broken_base, kParisCall))});
  const std::string markdown = squeeze_spaces(report.to_markdown());

  EXPECT_NE(markdown.find("| metric | base | refined | delta |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| schema valid | 33.3% (1/3) | 100.0% (3/3) | +66.7 pp |"), std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| BFCL acceptable | 33.3% (1/3) | 100.0% (3/3) | +66.7 pp |"), std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("fixed (schema-invalid base, schema-valid refined): 2"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("histogram (steps:records) 2:3"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("10.0 ms/record"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| clean | 3 | 33.3% | 100.0% | 33.3% | 100.0% | 2 | 0 |"), std::string::npos)
      << markdown;
  EXPECT_NE(markdown.find("| simple_python | 3 | 33.3% | 100.0% | 33.3% | 100.0% | 2 | 0 |"), std::string::npos)
      << markdown;
}

TEST(EvalTest, JsonReportNullsChecksOfErrorRecords) {
  const Report report = build_report({evaluate_record(weather_line(kParisCall, kParisCall)),
                                      evaluate_record(json::parse(R"({"line": 3, "error": "timed out"})"))});
  const json document = report.to_json();

  EXPECT_EQ(document["version"], 1);
  EXPECT_EQ(document["overall"]["errors"], 1);
  EXPECT_EQ(document["overall"]["base"]["acceptable"]["count"], 1);
  EXPECT_EQ(document["by_fault"]["clean"]["records"], 2);
  ASSERT_EQ(document["records"].size(), 2u);
  EXPECT_EQ(document["records"][0]["refined"]["exact"], true);
  EXPECT_TRUE(document["records"][0]["error"].is_null());
  EXPECT_TRUE(document["records"][1]["base"].is_null());
  EXPECT_EQ(document["records"][1]["error"], "timed out");
}

TEST(EvalTest, InvalidJsonLineBecomesErrorRecord) {
  const std::string path = testing::TempDir() + "eval_test_invalid_line.jsonl";
  {
    std::ofstream out(path);
    out << weather_line(kParisCall, kParisCall).dump() << '\n';
    out << "{\"id\": \"cut_off\", \"base_output\": \n";
    out << weather_line(kParisCall, kParisCall).dump() << '\n';
  }

  const Report report = evaluate_file(path);
  std::remove(path.c_str());

  ASSERT_EQ(report.records.size(), 3u);
  EXPECT_EQ(report.records[1].line, 2u);
  EXPECT_NE(report.records[1].error.find("invalid JSON"), std::string::npos) << report.records[1].error;
  EXPECT_TRUE(report.records[0].error.empty());
  EXPECT_EQ(report.records[2].line, 3u);
  EXPECT_EQ(report.overall.errors, 1);
  EXPECT_EQ(report.overall.evaluated(), 2);
}

TEST(EvalTest, MissingFileThrowsRuntimeError) {
  EXPECT_THROW(evaluate_file(testing::TempDir() + "eval_test_no_such_file.jsonl"), std::runtime_error);
}

TEST(EvalTest, MeanStepsSkipsPassedThroughRecords) {
  json passed = weather_line(kParisCall, kParisCall);
  passed["steps"] = 0;
  passed["stop_reason"] = "not_fit";
  passed["ms"] = 0.0;
  json refined = weather_line(kParisCall, kParisCall);
  refined["steps"] = 3;

  const Report report = build_report({evaluate_record(passed), evaluate_record(refined)});
  EXPECT_DOUBLE_EQ(report.overall.mean_steps, 3.0);
  EXPECT_EQ(report.overall.stepped, 1);
  EXPECT_DOUBLE_EQ(report.overall.ms_per_record, 5.0);
  EXPECT_EQ(report.overall.step_histogram, (std::map<int, int>{{0, 1}, {3, 1}}));
}

}  // namespace
}  // namespace trm::eval
