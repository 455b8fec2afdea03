#include "trm/tasks/function_call/generator.h"

#include "trm/tasks/function_call/answer_match.h"
#include "trm/tasks/function_call/schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace trm::tasks::function_call {
namespace {

// Generated once: the default counts take a fraction of a second.
const std::vector<Record>& default_records() {
  static const std::vector<Record> records = generate_default_records(GeneratorOptions{});
  return records;
}

const json* tool_named(const Record& record, const std::string& name) {
  for (const json& tool : record.tools) {
    if (tool["name"] == name) return &tool;
  }
  return nullptr;
}

void collect_strings(const json& value, std::vector<std::string>& out) {
  if (value.is_string()) out.push_back(value.get<std::string>());
  if (value.is_array() || value.is_object()) {
    for (const json& element : value) collect_strings(element, out);
  }
}

TEST(GeneratorTest, SameSeedGivesSameRecords) {
  const GeneratorOptions options{7, 100, 10};

  const std::vector<Record> first = generate_default_records(options);
  const std::vector<Record> second = generate_default_records(options);

  ASSERT_EQ(first.size(), second.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(record_to_json(first[i]), record_to_json(second[i])) << first[i].id;
  }
}

TEST(GeneratorTest, DifferentSeedsGiveDifferentQueries) {
  const std::vector<Record> first = generate_default_records({1, 50, 0});
  const std::vector<Record> second = generate_default_records({2, 50, 0});

  std::size_t same = 0;
  for (std::size_t i = 0; i < first.size(); ++i) same += first[i].query == second[i].query ? 1 : 0;
  EXPECT_LT(same, 10u);
}

TEST(GeneratorTest, ProducesRequestedCounts) {
  const std::vector<Record>& records = default_records();

  const auto train = std::count_if(records.begin(), records.end(), [](const Record& r) { return r.split == "train"; });
  const auto dev = std::count_if(records.begin(), records.end(), [](const Record& r) { return r.split == "dev"; });
  EXPECT_EQ(train, 2000);
  EXPECT_EQ(dev, 200);
  EXPECT_EQ(records.size(), 2200u);
}

TEST(GeneratorTest, RejectsNegativeCounts) {
  EXPECT_THROW(generate_default_records({1, -1, 0}), std::invalid_argument);
}

TEST(GeneratorTest, IdsAreUniqueAndNamedBySplit) {
  std::set<std::string> ids;
  for (const Record& record : default_records()) {
    ids.insert(record.id);
    EXPECT_EQ(record.id.rfind("synthetic_" + record.split + "_", 0), 0u) << record.id;
  }
  EXPECT_EQ(ids.size(), default_records().size());
  EXPECT_EQ(default_records().front().id, "synthetic_train_0");
}

TEST(GeneratorTest, GoldCallsNameToolsOfTheirRecord) {
  for (const Record& record : default_records()) {
    ASSERT_TRUE(record.gold.has_value()) << record.id;
    for (const Call& call : *record.gold) EXPECT_NE(tool_named(record, call.name), nullptr) << record.id;
  }
}

TEST(GeneratorTest, GoldHasEveryRequiredArgument) {
  for (const Record& record : default_records()) {
    for (const Call& call : *record.gold) {
      const json* tool = tool_named(record, call.name);
      ASSERT_NE(tool, nullptr) << record.id;
      for (const json& name : (*tool)["parameters"]["required"]) {
        EXPECT_TRUE(call.arguments.contains(name.get<std::string>())) << record.id << " " << name;
      }
    }
  }
}

TEST(GeneratorTest, GoldPassesSchemaValidation) {
  for (const Record& record : default_records()) {
    const auto issues = validate_calls(*record.gold, record.tools);
    EXPECT_TRUE(issues.empty()) << record.id << ": " << (issues.empty() ? "" : issues.front().message);
  }
}

TEST(GeneratorTest, GoldMatchesAcceptable) {
  for (const Record& record : default_records()) {
    ASSERT_TRUE(record.acceptable.has_value()) << record.id;
    const bool parallel = record.category == "synthetic_parallel";
    EXPECT_TRUE(bfcl_acceptable(*record.gold, *record.acceptable, parallel)) << record.id;
  }
}

TEST(GeneratorTest, GoldStringsAppearInQuery) {
  for (const Record& record : default_records()) {
    std::vector<std::string> strings;
    for (const Call& call : *record.gold) collect_strings(call.arguments, strings);
    for (const std::string& text : strings) {
      EXPECT_NE(record.query.find(text), std::string::npos) << record.id << ": '" << text << "' in " << record.query;
    }
  }
}

TEST(GeneratorTest, CategoriesMatchCallAndToolCounts) {
  std::set<std::string> categories;
  for (const Record& record : default_records()) {
    categories.insert(record.category);
    const std::size_t expected_calls = record.category == "synthetic_parallel" ? 2 : 1;
    EXPECT_EQ(record.gold->size(), expected_calls) << record.id;
    EXPECT_GE(record.tools.size(), 2u) << record.id;
    EXPECT_LE(record.tools.size(), 4u) << record.id;
  }
  EXPECT_EQ(categories, (std::set<std::string>{"synthetic_simple", "synthetic_multiple", "synthetic_parallel"}));
}

TEST(GeneratorTest, QueriesAndGoldStayShort) {
  for (const Record& record : default_records()) {
    EXPECT_LT(record.query.size(), 160u) << record.id << ": " << record.query;
    EXPECT_LT(render_canonical(*record.gold).size(), 200u) << record.id;
  }
}

TEST(GeneratorTest, DevQueriesDifferFromTrain) {
  std::set<std::string> train;
  for (const Record& record : default_records()) {
    if (record.split == "train") train.insert(record.query);
  }
  for (const Record& record : default_records()) {
    if (record.split == "dev") EXPECT_EQ(train.count(record.query), 0u) << record.id;
  }
}

TEST(GeneratorTest, RecordsHaveNoBaseOutput) {
  for (const Record& record : default_records()) {
    EXPECT_FALSE(record.base_output.has_value()) << record.id;
    EXPECT_TRUE(record.faults.empty()) << record.id;
  }
}

}  // namespace
}  // namespace trm::tasks::function_call
