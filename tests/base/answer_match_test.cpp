#include "trm/tasks/function_call/answer_match.h"

#include <gtest/gtest.h>

#include <string>

namespace trm::tasks::function_call {
namespace {

bool acceptable(const std::string& calls_json, const std::string& answers_json, bool order_insensitive = false) {
  return bfcl_acceptable(calls_from_json(json::parse(calls_json)), json::parse(answers_json), order_insensitive);
}

const char* kWeatherAnswer =
    R"([{"get_weather": {"city": ["New York, NY", "NYC"], "unit": ["", "celsius"], "days": [3]}}])";

TEST(AnswerMatchTest, AcceptsExactMatch) {
  EXPECT_TRUE(acceptable(R"([{"name": "get_weather", "arguments": {"city": "NYC", "days": 3}}])", kWeatherAnswer));
}

TEST(AnswerMatchTest, NormalisesStrings) {
  EXPECT_TRUE(acceptable(R"([{"name": "get_weather", "arguments": {"city": "new york ny", "days": 3}}])",
                         kWeatherAnswer));
  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"q": "O'Neil_*^/.-"}}])",
                         R"([{"f": {"q": ["o\"neil"]}}])"));
}

TEST(AnswerMatchTest, RejectsDifferentString) {
  EXPECT_FALSE(acceptable(R"([{"name": "get_weather", "arguments": {"city": "Boston", "days": 3}}])",
                          kWeatherAnswer));
}

TEST(AnswerMatchTest, AllowsOmittingOptionalParameter) {
  EXPECT_TRUE(acceptable(R"([{"name": "get_weather", "arguments": {"city": "NYC", "days": 3, "unit": "Celsius"}}])",
                         kWeatherAnswer));
}

TEST(AnswerMatchTest, RejectsMissingListedParameter) {
  EXPECT_FALSE(acceptable(R"([{"name": "get_weather", "arguments": {"city": "NYC"}}])", kWeatherAnswer));
}

TEST(AnswerMatchTest, RejectsUnlistedArgument) {
  EXPECT_FALSE(acceptable(R"([{"name": "get_weather", "arguments": {"city": "NYC", "days": 3, "country": "US"}}])",
                          kWeatherAnswer));
}

TEST(AnswerMatchTest, RejectsWrongFunctionName) {
  EXPECT_FALSE(acceptable(R"([{"name": "get_weather_v2", "arguments": {"city": "NYC", "days": 3}}])",
                          kWeatherAnswer));
}

TEST(AnswerMatchTest, RejectsWrongCallCount) {
  const char* call = R"({"name": "get_weather", "arguments": {"city": "NYC", "days": 3}})";

  EXPECT_FALSE(acceptable(std::string("[") + call + "," + call + "]", kWeatherAnswer));
  EXPECT_FALSE(acceptable("[]", kWeatherAnswer));
}

TEST(AnswerMatchTest, AcceptsIntWhereFloatListed) {
  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"rate": 5}}])", R"([{"f": {"rate": [5.0]}}])"));
}

TEST(AnswerMatchTest, RejectsFloatWhereIntListed) {
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"count": 5.0}}])", R"([{"f": {"count": [5]}}])"));
}

TEST(AnswerMatchTest, RejectsIntElementWhereFloatListed) {
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"xs": [1, 2]}}])", R"([{"f": {"xs": [[1.0, 2.0]]}}])"));
  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"xs": [1.0, 2.0]}}])", R"([{"f": {"xs": [[1.0, 2.0]]}}])"));
}

TEST(AnswerMatchTest, RejectsBooleanWhereIntListed) {
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"n": true}}])", R"([{"f": {"n": [1]}}])"));
}

TEST(AnswerMatchTest, MatchesListedNull) {
  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"since": null}}])", R"([{"f": {"since": [null, ""]}}])"));
}

TEST(AnswerMatchTest, ComparesListsElementWise) {
  const char* answer = R"([{"f": {"cities": [["New York", "Los Angeles"]]}}])";

  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"cities": ["new york", "LOS ANGELES"]}}])", answer));
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"cities": ["Los Angeles", "New York"]}}])", answer));
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"cities": ["New York"]}}])", answer));
}

TEST(AnswerMatchTest, ComparesDictPerKey) {
  const char* answer = R"([{"f": {"options": [{"limit": [50], "schema": ["public", ""]}]}}])";

  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"options": {"limit": 50, "schema": "Public"}}}])", answer));
  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"options": {"limit": 50}}}])", answer));
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"options": {"schema": "public"}}}])", answer));
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"options": {"limit": 50, "user": "x"}}}])", answer));
}

TEST(AnswerMatchTest, ComparesNestedDicts) {
  const char* answer = R"([{"f": {"ego": [{"position": [{"lateral": [10.5], "longitudinal": [50.0]}]}]}}])";

  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"ego": {"position": {"lateral": 10.5, "longitudinal": 50}}}}])",
                         answer));
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"ego": {"position": {"lateral": 10.5}}}}])", answer));
}

TEST(AnswerMatchTest, ComparesListOfDicts) {
  const char* answer = R"([{"f": {"items": [[{"id": [1]}, {"id": [2], "tag": ["", "x"]}]]}}])";

  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"items": [{"id": 1}, {"id": 2, "tag": "X"}]}}])", answer));
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {"items": [{"id": 2}, {"id": 1}]}}])", answer));
}

TEST(AnswerMatchTest, AcceptsLiteralDictOption) {
  EXPECT_TRUE(acceptable(R"([{"name": "f", "arguments": {"p": {"x": 10.5, "y": 50}}}])",
                         R"([{"f": {"p": [{"x": 10.5, "y": 50}]}}])"));
}

TEST(AnswerMatchTest, ParallelAcceptsAnyOrder) {
  const char* calls = R"([{"name": "f", "arguments": {"x": 2}}, {"name": "f", "arguments": {"x": 1}}])";
  const char* answers = R"([{"f": {"x": [1]}}, {"f": {"x": [2]}}])";

  EXPECT_TRUE(acceptable(calls, answers, /*order_insensitive=*/true));
  EXPECT_FALSE(acceptable(calls, answers, /*order_insensitive=*/false));
}

TEST(AnswerMatchTest, ParallelUsesEachCallOnce) {
  const char* calls = R"([{"name": "f", "arguments": {"x": 1}}, {"name": "f", "arguments": {"x": 1}}])";

  EXPECT_FALSE(acceptable(calls, R"([{"f": {"x": [1]}}, {"f": {"x": [2]}}])", /*order_insensitive=*/true));
}

TEST(AnswerMatchTest, ParallelBacktracksWhereGreedyFails) {
  // A greedy first-match assignment gives call 0 to answer 0 and then finds
  // no call for answer 1. The assignment call 1 -> answer 0 works.
  const char* calls = R"([{"name": "f", "arguments": {"x": 1}}, {"name": "f", "arguments": {"x": 2}}])";

  EXPECT_TRUE(acceptable(calls, R"([{"f": {"x": [1, 2]}}, {"f": {"x": [1]}}])", /*order_insensitive=*/true));
}

TEST(AnswerMatchTest, RejectsMalformedAnswer) {
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {}}])", R"([{"f": {}, "g": {}}])"));
  EXPECT_FALSE(acceptable(R"([{"name": "f", "arguments": {}}])", R"({"f": {}})"));
}

}  // namespace
}  // namespace trm::tasks::function_call
