#include "trm/tasks/function_call/faults.h"

#include "trm/tasks/function_call/answer_match.h"
#include "trm/tasks/function_call/schema.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace trm::tasks::function_call {
namespace {

// A record every fault kind can apply to: required and optional arguments,
// an enum, a boolean, a number, and strings with other candidates in the query.
Record weather_record() {
  Record record;
  record.id = "weather_1";
  record.query = "Hourly weather in Paris for 3 days in celsius, not in Rome.";
  record.tools = json::parse(R"([
    {"name": "get_weather", "description": "Weather for a city.",
     "parameters": {"type": "dict", "required": ["location", "days"], "properties": {
       "location": {"type": "string"},
       "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
       "days": {"type": "integer"},
       "hourly": {"type": "boolean"}}}},
    {"name": "currency.convert", "description": "Convert money.",
     "parameters": {"type": "dict", "required": ["amount"], "properties": {
       "amount": {"type": "float"}}}}
  ])");
  record.gold = CallList{
      Call{"get_weather", json{{"location", "Paris"}, {"unit", "celsius"}, {"days", 3}, {"hourly", true}}}};
  record.acceptable = json::parse(
      R"([{"get_weather": {"location": ["Paris"], "unit": ["celsius"], "days": [3], "hourly": [true]}}])");
  return record;
}

// A config that applies exactly one fault kind to every record.
FaultConfig only(const std::string& name) {
  FaultConfig config;
  config.clean_rate = 0.0;
  config.max_faults = 1;
  for (auto& [kind, weight] : config.weights) weight = kind == name ? 1.0 : 0.0;
  return config;
}

std::vector<SchemaIssue> issues_of(const std::string& text, const json& tools) {
  return validate_calls(calls_from_json(json::parse(text)), tools);
}

bool has_issue(const std::vector<SchemaIssue>& issues, const std::string& kind) {
  return std::any_of(issues.begin(), issues.end(), [&](const SchemaIssue& issue) { return issue.kind == kind; });
}

TEST(FaultsTest, EveryFaultChangesOutputAndIsLabelled) {
  const Record record = weather_record();
  const std::string clean = render_canonical(*record.gold);

  for (const std::string& name : fault_names()) {
    const FaultModel model(only(name));
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      std::mt19937_64 rng(seed);
      const CorruptedOutput out = model.corrupt(record, rng);

      EXPECT_NE(out.text, clean) << name << " seed " << seed;
      EXPECT_EQ(out.faults, std::vector<std::string>{name}) << name << " seed " << seed;
    }
  }
}

TEST(FaultsTest, CleanRateOneGivesCanonicalGold) {
  FaultConfig config;
  config.clean_rate = 1.0;
  const FaultModel model(config);
  const Record record = weather_record();
  std::mt19937_64 rng(3);

  const CorruptedOutput out = model.corrupt(record, rng);

  EXPECT_EQ(out.text,
            R"([{"name":"get_weather","arguments":{"days":3,"hourly":true,"location":"Paris","unit":"celsius"}}])");
  EXPECT_TRUE(out.faults.empty());
}

TEST(FaultsTest, SameSeedGivesSameOutputs) {
  const FaultModel model{FaultConfig{}};
  const Record record = weather_record();
  std::mt19937_64 first(42);
  std::mt19937_64 second(42);

  for (int i = 0; i < 50; ++i) {
    const CorruptedOutput a = model.corrupt(record, first);
    const CorruptedOutput b = model.corrupt(record, second);
    EXPECT_EQ(a.text, b.text);
    EXPECT_EQ(a.faults, b.faults);
  }
}

TEST(FaultsTest, LabelsFollowApplicationOrder) {
  FaultConfig config;
  config.clean_rate = 0.0;
  config.max_faults = 3;
  const FaultModel model(config);
  const Record record = weather_record();
  const auto& names = fault_names();
  std::mt19937_64 rng(5);

  for (int i = 0; i < 100; ++i) {
    const CorruptedOutput out = model.corrupt(record, rng);
    ASSERT_GE(out.faults.size(), 1u);
    EXPECT_LE(out.faults.size(), 3u);
    std::vector<std::size_t> positions;
    for (const std::string& fault : out.faults) {
      positions.push_back(static_cast<std::size_t>(std::find(names.begin(), names.end(), fault) - names.begin()));
    }
    EXPECT_TRUE(std::is_sorted(positions.begin(), positions.end())) << out.text;
    EXPECT_EQ(std::adjacent_find(positions.begin(), positions.end()), positions.end()) << out.text;
  }
}

TEST(FaultsTest, NoCallStandsAlone) {
  FaultConfig config = only("no_call");
  config.max_faults = 3;
  config.weights["truncation"] = 1.0;
  config.weights["no_call"] = 1000.0;
  const FaultModel model(config);
  std::mt19937_64 rng(9);

  const CorruptedOutput out = model.corrupt(weather_record(), rng);

  EXPECT_EQ(out.faults, std::vector<std::string>{"no_call"});
  EXPECT_FALSE(json::accept(out.text));
}

TEST(FaultsTest, InapplicableFaultIsReplaced) {
  Record record = weather_record();
  record.tools[0]["parameters"]["properties"]["unit"].erase("enum");
  FaultConfig config = only("enum_case");
  config.weights["enum_case"] = 1000.0;
  config.weights["truncation"] = 1.0;
  const FaultModel model(config);
  std::mt19937_64 rng(11);

  const CorruptedOutput out = model.corrupt(record, rng);

  EXPECT_EQ(out.faults, std::vector<std::string>{"truncation"});
}

TEST(FaultsTest, OutputStaysCleanWhenNothingApplies) {
  Record record = weather_record();
  record.tools[0]["parameters"]["properties"]["unit"].erase("enum");
  const FaultModel model(only("enum_case"));
  std::mt19937_64 rng(12);

  const CorruptedOutput out = model.corrupt(record, rng);

  EXPECT_EQ(out.text, render_canonical(*record.gold));
  EXPECT_TRUE(out.faults.empty());
}

TEST(FaultsTest, SchemaFaultsBreakTheSchema) {
  const Record record = weather_record();
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"missing_required", "missing_required"}, {"invented_argument", "unknown_argument"},
      {"wrong_type", "wrong_type"},             {"misspelt_name", "unknown_function"},
      {"enum_case", "not_in_enum"},
  };

  for (const auto& [fault, issue] : expected) {
    const FaultModel model(only(fault));
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      std::mt19937_64 rng(seed);
      const CorruptedOutput out = model.corrupt(record, rng);
      EXPECT_TRUE(has_issue(issues_of(out.text, record.tools), issue)) << fault << ": " << out.text;
    }
  }
}

TEST(FaultsTest, WrongTypeFailsBfclCheckForFloatList) {
  Record record;
  record.id = "sort_1";
  record.query = "Sort 4.5, 2 and 7.";
  record.tools = json::parse(R"([{"name": "sort_numbers", "parameters": {"type": "dict",
    "required": ["numbers"], "properties": {"numbers": {"type": "array", "items": {"type": "float"}}}}}])");
  record.gold = CallList{Call{"sort_numbers", json{{"numbers", {4.5, 2.0, 7.0}}}}};
  record.acceptable = json::parse(R"([{"sort_numbers": {"numbers": [[4.5, 2.0, 7.0]]}}])");
  const FaultModel model(only("wrong_type"));
  bool saw_integers = false;

  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    const CorruptedOutput out = model.corrupt(record, rng);
    const CallList calls = calls_from_json(json::parse(out.text));
    EXPECT_FALSE(bfcl_acceptable(calls, *record.acceptable, false)) << out.text;
    saw_integers = saw_integers || calls[0].arguments["numbers"].dump() == "[4.5,2,7]";
  }
  EXPECT_TRUE(saw_integers);
}

TEST(FaultsTest, WrongValueKeepsSchemaButChangesCalls) {
  const Record record = weather_record();
  const FaultModel model(only("wrong_value"));

  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    std::mt19937_64 rng(seed);
    const CorruptedOutput out = model.corrupt(record, rng);
    const CallList calls = calls_from_json(json::parse(out.text));
    EXPECT_TRUE(validate_calls(calls, record.tools).empty()) << out.text;
    EXPECT_NE(calls, *record.gold) << out.text;
  }
}

TEST(FaultsTest, PythonSyntaxWritesBfclCalls) {
  const FaultModel model(only("python_syntax"));
  std::mt19937_64 rng(2);

  const CorruptedOutput out = model.corrupt(weather_record(), rng);

  EXPECT_EQ(out.text.rfind("[get_weather(days=3, hourly=", 0), 0u) << out.text;
  EXPECT_EQ(out.text.back(), ']');
}

TEST(FaultsTest, DoubleEncodedArgumentsHoldJsonText) {
  const Record record = weather_record();
  const FaultModel model(only("double_encoded_args"));
  std::mt19937_64 rng(2);

  const json parsed = json::parse(model.corrupt(record, rng).text);

  ASSERT_TRUE(parsed[0]["arguments"].is_string());
  EXPECT_EQ(json::parse(parsed[0]["arguments"].get<std::string>()), record.gold->front().arguments);
}

TEST(FaultsTest, TruncationKeepsFirstTwoThirds) {
  const Record record = weather_record();
  const std::string clean = render_canonical(*record.gold);
  const FaultModel model(only("truncation"));

  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    std::mt19937_64 rng(seed);
    const std::string text = model.corrupt(record, rng).text;
    EXPECT_EQ(clean.rfind(text, 0), 0u) << text;
    EXPECT_GE(3 * text.size(), 2 * clean.size()) << text;
  }
}

TEST(FaultsTest, ThrowsWithoutGold) {
  Record record = weather_record();
  record.gold.reset();
  const FaultModel model{FaultConfig{}};
  std::mt19937_64 rng(1);

  EXPECT_THROW(model.corrupt(record, rng), std::invalid_argument);
}

TEST(FaultsTest, ValidateRejectsEachBrokenRule) {
  FaultConfig high_clean_rate;
  high_clean_rate.clean_rate = 1.5;
  FaultConfig negative_clean_rate;
  negative_clean_rate.clean_rate = -0.1;
  FaultConfig zero_max_faults;
  zero_max_faults.max_faults = 0;
  FaultConfig negative_weight;
  negative_weight.weights["truncation"] = -1.0;
  FaultConfig all_zero;
  for (auto& [name, weight] : all_zero.weights) weight = 0.0;
  FaultConfig unknown_name;
  unknown_name.weights["truncaton"] = 1.0;

  EXPECT_THROW(high_clean_rate.validate(), std::invalid_argument);
  EXPECT_THROW(negative_clean_rate.validate(), std::invalid_argument);
  EXPECT_THROW(zero_max_faults.validate(), std::invalid_argument);
  EXPECT_THROW(negative_weight.validate(), std::invalid_argument);
  EXPECT_THROW(all_zero.validate(), std::invalid_argument);
  EXPECT_THROW(unknown_name.validate(), std::invalid_argument);
}

TEST(FaultsTest, ValidateAcceptsDefaults) { EXPECT_NO_THROW(FaultConfig{}.validate()); }

TEST(FaultsTest, ValidateMessageNamesKeyAndValue) {
  FaultConfig config;
  config.max_faults = 0;

  try {
    config.validate("faults");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()), "faults.max_faults: must be at least 1, got 0");
  }
}

TEST(FaultsTest, FromYamlRejectsUnknownFaultName) {
  const YAML::Node node = YAML::Load("weights: {truncaton: 2}");

  try {
    FaultConfig::from_yaml(core::YamlFields(node, "faults"));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("faults.weights.truncaton"), std::string::npos) << message;
    EXPECT_NE(message.find("truncation, trailing_garbage"), std::string::npos) << message;
  }
}

TEST(FaultsTest, FromYamlOverridesOnlyGivenKeys) {
  const YAML::Node node = YAML::Load("clean_rate: 0.5\nmax_faults: 3\nweights: {truncation: 9}");

  const FaultConfig config = FaultConfig::from_yaml(core::YamlFields(node, "faults"));

  EXPECT_EQ(config.clean_rate, 0.5);
  EXPECT_EQ(config.max_faults, 3);
  EXPECT_EQ(config.weights.at("truncation"), 9.0);
  EXPECT_EQ(config.weights.at("no_call"), FaultConfig::default_fault_weights().at("no_call"));
}

TEST(FaultsTest, FromYamlRejectsUnknownKey) {
  const YAML::Node node = YAML::Load("clean_rat: 0.5");

  EXPECT_THROW(FaultConfig::from_yaml(core::YamlFields(node, "faults")), std::invalid_argument);
}

TEST(FaultsTest, FromYamlValidatesValues) {
  const YAML::Node node = YAML::Load("clean_rate: 2");

  EXPECT_THROW(FaultConfig::from_yaml(core::YamlFields(node, "faults")), std::invalid_argument);
}

TEST(FaultsTest, DefaultWeightsCoverEveryFault) {
  const auto weights = FaultConfig::default_fault_weights();

  EXPECT_EQ(weights.size(), fault_names().size());
  for (const std::string& name : fault_names()) EXPECT_GT(weights.count(name), 0u) << name;
}

}  // namespace
}  // namespace trm::tasks::function_call
