#include "trm/tasks/function_call/task.h"

#include <gtest/gtest.h>

#include <fstream>

namespace {

namespace fc = trm::tasks::function_call;
using fc::ByteTokens;

fc::Record weather_record() {
  fc::Record record;
  record.id = "r1";
  record.query = "Weather in Paris?";
  record.tools = nlohmann::json::parse(R"([{"name": "get_weather", "parameters": {"type": "dict",
      "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
      "required": ["city"]}}])");
  record.gold = fc::CallList{{"get_weather", {{"city", "Paris"}}}};
  return record;
}

std::string text_of(const std::vector<int32_t>& ids, std::size_t begin, std::size_t end) {
  std::string text;
  for (std::size_t i = begin; i < end && ids[i] >= ByteTokens::kFirstByte; ++i) text.push_back(char(ids[i] - 3));
  return text;
}

TEST(TaskTest, SignaturesShowOptionalAndEnum) {
  EXPECT_EQ(fc::render_tool_signatures(weather_record().tools), "get_weather(city:string,unit?:string{c|f})\n");
}

TEST(TaskTest, EncodeLaysOutContextOutputAndLabels) {
  fc::FunctionCallCodec codec(64, 64, /*lenient_input=*/false);
  const auto encoded = codec.encode(weather_record(), R"([{"name":"get_weather","arguments":{}}])");
  ASSERT_TRUE(encoded.fits()) << encoded.not_fit_reason;
  const auto& example = encoded.example;
  ASSERT_EQ(example.inputs.size(), 128u);

  const std::string signatures = fc::render_tool_signatures(weather_record().tools);
  EXPECT_EQ(text_of(example.inputs, 0, 64), signatures);
  EXPECT_EQ(example.inputs[signatures.size()], ByteTokens::kSep);
  EXPECT_EQ(text_of(example.inputs, signatures.size() + 1, 64), "Weather in Paris?");
  EXPECT_EQ(text_of(example.inputs, 64, 128), R"([{"name":"get_weather","arguments":{}}])");

  const std::string gold = R"([{"name":"get_weather","arguments":{"city":"Paris"}}])";
  EXPECT_EQ(text_of(example.labels, 64, 128), gold);
  EXPECT_EQ(example.labels[64 + gold.size()], ByteTokens::kEos);
  EXPECT_EQ(example.labels[64 + gold.size() + 1], trm::tasks::kIgnoreLabel);
  EXPECT_EQ(example.labels[0], trm::tasks::kIgnoreLabel);
}

TEST(TaskTest, LenientInputShowsCanonicalCalls) {
  fc::FunctionCallCodec codec(64, 64, /*lenient_input=*/true);
  const auto encoded = codec.encode(weather_record(), "```json\n[get_weather(city='Paris')]\n```");
  ASSERT_TRUE(encoded.fits());
  EXPECT_EQ(text_of(encoded.example.inputs, 64, 128), R"([{"name":"get_weather","arguments":{"city":"Paris"}}])");
}

TEST(TaskTest, LongContextDoesNotFit) {
  fc::FunctionCallCodec codec(16, 64, false);
  const auto encoded = codec.encode(weather_record(), "x");
  EXPECT_FALSE(encoded.fits());
  EXPECT_NE(encoded.not_fit_reason.find("task.context_len=16"), std::string::npos) << encoded.not_fit_reason;
}

TEST(TaskTest, LongGoldDoesNotFit) {
  fc::FunctionCallCodec codec(64, 20, false);
  const auto encoded = codec.encode(weather_record(), "x");
  EXPECT_FALSE(encoded.fits());
  EXPECT_NE(encoded.not_fit_reason.find("gold answer"), std::string::npos) << encoded.not_fit_reason;
}

TEST(TaskTest, LongBaseOutputDoesNotFit) {
  fc::FunctionCallCodec codec(64, 60, false);
  const auto encoded = codec.encode(weather_record(), std::string(61, 'x'));
  EXPECT_FALSE(encoded.fits());
  EXPECT_NE(encoded.not_fit_reason.find("base output"), std::string::npos) << encoded.not_fit_reason;
}

TEST(TaskTest, DecodeStopsAtEndMarker) {
  fc::FunctionCallCodec codec(2, 6, false);
  std::vector<int32_t> tokens = {7, 7, ByteTokens::encode('['), ByteTokens::encode(']'), ByteTokens::kEos,
                                 ByteTokens::encode('x'), 0, 0};
  EXPECT_EQ(codec.decode_output(tokens), "[]");
}

TEST(TaskTest, DefaultDataLoadsWithSplitFilter) {
  const auto train = fc::load_records({"default"}, "train");
  const auto dev = fc::load_records({"default"}, "dev");
  EXPECT_FALSE(train.empty());
  EXPECT_FALSE(dev.empty());
  for (const auto& record : dev) EXPECT_EQ(record.split, "dev");
}

TEST(TaskTest, MissingDataFileIsReported) {
  try {
    fc::load_records({"/nonexistent/dir/*.jsonl"}, "");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/dir/*.jsonl"), std::string::npos);
  }
}

TEST(TaskTest, BadRecordNamesFileAndLine) {
  const std::string path = testing::TempDir() + "bad_record.jsonl";
  {
    std::ofstream out(path);
    out << R"({"id": "a", "query": "q", "tools": []})" << "\n" << R"({"id": "b", "query": 5, "tools": []})" << "\n";
  }
  try {
    fc::load_records({path}, "");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(path + ":2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("query"), std::string::npos) << e.what();
  }
}

TEST(TaskTest, CorruptionIsDeterministicPerSeed) {
  const auto records = fc::load_records({"default"}, "dev");
  const fc::FaultModel faults(fc::FaultConfig{});
  const auto a = fc::corrupt_records(records, faults, 7);
  const auto b = fc::corrupt_records(records, faults, 7);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].base_output, b[i].base_output);
}

}  // namespace
