#include "trm/core/jsonl.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("trm_jsonl_" + name)).string();
}

TEST(JsonlTest, ReportsBadLinesWithLineNumbers) {
  const auto path = temp_path("mixed.jsonl");
  std::ofstream(path) << "{\"a\": 1}\n\n{not json}\n[1, 2]\r\n";
  const auto lines = trm::core::read_jsonl(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].line, 1u);
  ASSERT_TRUE(lines[0].value.has_value());
  EXPECT_EQ((*lines[0].value)["a"], 1);
  EXPECT_EQ(lines[1].line, 3u);
  EXPECT_FALSE(lines[1].value.has_value());
  EXPECT_NE(lines[1].error.find("invalid JSON"), std::string::npos);
  EXPECT_EQ(lines[2].line, 4u);
  EXPECT_TRUE(lines[2].value->is_array());
}

TEST(JsonlTest, MissingFileThrowsWithPath) {
  try {
    trm::core::JsonlReader reader(temp_path("missing.jsonl"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.jsonl"), std::string::npos);
  }
}

TEST(JsonlTest, WriterRenamesOnlyOnCommit) {
  const auto path = temp_path("out.jsonl");
  std::filesystem::remove(path);
  {
    trm::core::AtomicJsonlWriter writer(path);
    writer.write({{"id", "x"}});
    EXPECT_FALSE(std::filesystem::exists(path));
    writer.commit();
  }
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  const auto lines = trm::core::read_jsonl(path);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ((*lines[0].value)["id"], "x");
}

TEST(JsonlTest, AbandonedWriterLeavesNoFile) {
  const auto path = temp_path("abandoned.jsonl");
  std::filesystem::remove(path);
  {
    trm::core::AtomicJsonlWriter writer(path);
    writer.write({{"id", "x"}});
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST(JsonlTest, InvalidUtf8IsReplacedNotFatal) {
  const auto path = temp_path("utf8.jsonl");
  trm::core::AtomicJsonlWriter writer(path);
  EXPECT_NO_THROW(writer.write({{"text", std::string("bad \xff byte")}}));
  writer.commit();
  EXPECT_EQ(trm::core::read_jsonl(path).size(), 1u);
}

}  // namespace
