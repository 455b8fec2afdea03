#include "trm/tasks/function_call/constrained.h"

#include "trm/tasks/function_call/generator.h"
#include "trm/tasks/function_call/schema.h"
#include "trm/tasks/function_call/task.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace {

namespace fc = trm::tasks::function_call;
using fc::ByteTokens;
using json = nlohmann::json;

json weather_tools() {
  return json::parse(R"([{"name": "get_weather", "parameters": {"type": "dict", "properties": {
      "city": {"type": "string"}, "days": {"type": "integer"},
      "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
      "tags": {"type": "array", "items": {"type": "string"}}},
      "required": ["city"]}},
    {"name": "ping", "parameters": {"type": "dict", "properties": {}}}])");
}

// Log-probabilities that put `probability` on each byte of `text` and then EOS.
std::vector<float> peaked(const std::string& text, int positions, double probability) {
  const double rest = std::log((1.0 - probability) / (ByteTokens::kVocabSize - 1));
  std::vector<float> rows(static_cast<std::size_t>(positions) * ByteTokens::kVocabSize, static_cast<float>(rest));
  for (int p = 0; p < positions; ++p) {
    const int token = p < static_cast<int>(text.size()) ? ByteTokens::encode(static_cast<unsigned char>(text[p]))
                      : p == static_cast<int>(text.size()) ? ByteTokens::kEos
                                                           : ByteTokens::kPad;
    rows[static_cast<std::size_t>(p) * ByteTokens::kVocabSize + token] = static_cast<float>(std::log(probability));
  }
  return rows;
}

TEST(ConstrainedTest, AcceptsCanonicalValidCalls) {
  const fc::CallGrammar grammar(weather_tools());
  ASSERT_TRUE(grammar.supported()) << grammar.unsupported_reason();
  EXPECT_TRUE(grammar.accepts(R"([{"name":"get_weather","arguments":{"city":"Paris"}}])"));
  EXPECT_TRUE(grammar.accepts(R"([{"name":"get_weather","arguments":{"city":"Oslo","days":3,"unit":"celsius"}}])"));
  EXPECT_TRUE(grammar.accepts(R"([{"name":"ping","arguments":{}},{"name":"get_weather","arguments":{"city":"x","tags":["a","b"]}}])"));
}

TEST(ConstrainedTest, RejectsInvalidOrNonCanonicalCalls) {
  const fc::CallGrammar grammar(weather_tools());
  EXPECT_FALSE(grammar.accepts(R"([])"));                                                      // empty list
  EXPECT_FALSE(grammar.accepts(R"([{"name":"get_wether","arguments":{"city":"Paris"}}])"));    // unknown function
  EXPECT_FALSE(grammar.accepts(R"([{"name":"get_weather","arguments":{}}])"));                 // missing required
  EXPECT_FALSE(grammar.accepts(R"([{"name":"get_weather","arguments":{"city":1}}])"));         // wrong type
  EXPECT_FALSE(grammar.accepts(R"([{"name":"get_weather","arguments":{"city":"P","days":1.5}}])"));  // not an integer
  EXPECT_FALSE(grammar.accepts(R"([{"name":"get_weather","arguments":{"city":"P","unit":"kelvin"}}])"));
  EXPECT_FALSE(grammar.accepts(R"([{"name":"get_weather","arguments":{"days":2,"city":"P"}}])"));  // keys unsorted
  EXPECT_FALSE(grammar.accepts(R"([{"name":"get_weather","arguments":{"city":"P","x":1}}])"));     // unknown key
  EXPECT_FALSE(grammar.accepts(R"([{"name": "ping","arguments":{}}])"));                          // not compact
  EXPECT_FALSE(grammar.accepts(R"([{"name":"ping","arguments":{}})"));                             // unclosed
}

TEST(ConstrainedTest, ReportsUnsupportedSchemas) {
  const fc::CallGrammar grammar(json::parse(R"([{"name": "f", "parameters": {"type": "dict",
      "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}}}])"));
  EXPECT_FALSE(grammar.supported());
  EXPECT_EQ(grammar.unsupported_reason(), "f.x: anyOf");
}

TEST(ConstrainedTest, AcceptsEveryGeneratedGoldCall) {
  int supported = 0;
  int total = 0;
  for (const auto& record : fc::generate_default_records(fc::GeneratorOptions{})) {
    if (!record.gold) continue;
    ++total;
    const fc::CallGrammar grammar(record.tools);
    if (!grammar.supported()) continue;
    ++supported;
    EXPECT_TRUE(grammar.accepts(fc::render_canonical(*record.gold))) << record.id << ": "
                                                                     << fc::render_canonical(*record.gold);
  }
  EXPECT_GT(total, 1000);
  EXPECT_EQ(supported, total);
}

TEST(ConstrainedTest, DecodeRepairsWhatTheModelGetsWrong) {
  const fc::CallGrammar grammar(weather_tools());
  // The highest-probability bytes spell an invalid enum value and a trailing comma.
  const std::string broken = R"([{"name":"get_weather","arguments":{"city":"Paris","unit":"Celsius"},}])";
  ASSERT_FALSE(fc::output_validates(broken, weather_tools()));
  const auto rows = peaked(broken, 96, 0.6);
  const auto decoded = fc::decode_constrained(grammar, rows.data(), 96, ByteTokens::kVocabSize, 4);
  ASSERT_FALSE(decoded.empty());
  EXPECT_TRUE(fc::output_validates(decoded.front().text, weather_tools())) << decoded.front().text;
  EXPECT_TRUE(grammar.accepts(decoded.front().text));
}

TEST(ConstrainedTest, DecodeKeepsAnAlreadyValidPrediction) {
  const fc::CallGrammar grammar(weather_tools());
  const std::string valid = R"([{"name":"get_weather","arguments":{"city":"Paris","days":2}}])";
  const auto rows = peaked(valid, 80, 0.9);
  const auto decoded = fc::decode_constrained(grammar, rows.data(), 80, ByteTokens::kVocabSize, 4);
  ASSERT_FALSE(decoded.empty());
  EXPECT_EQ(decoded.front().text, valid);
}

TEST(ConstrainedTest, DecodeOfNoiseStillValidates) {
  const fc::CallGrammar grammar(weather_tools());
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 3.0f);
  for (int positions : {40, 64, 200}) {
    std::vector<float> rows(static_cast<std::size_t>(positions) * ByteTokens::kVocabSize);
    for (auto& value : rows) value = noise(rng);
    const auto decoded = fc::decode_constrained(grammar, rows.data(), positions, ByteTokens::kVocabSize, 4);
    ASSERT_FALSE(decoded.empty()) << positions << " positions";
    EXPECT_LE(static_cast<int>(decoded.front().text.size()) + 1, positions);
    EXPECT_TRUE(fc::output_validates(decoded.front().text, weather_tools())) << decoded.front().text;
  }
}

TEST(ConstrainedTest, DecodeReturnsNothingWhenNoValidTextFits) {
  const fc::CallGrammar grammar(weather_tools());
  const auto rows = peaked("[", 10, 0.9);  // the shortest valid call list has 32 bytes
  EXPECT_TRUE(fc::decode_constrained(grammar, rows.data(), 10, ByteTokens::kVocabSize, 4).empty());
}

}  // namespace
