// Runs the `trm` binary as a user would: generate data, train a tiny model,
// corrupt dev records, refine them (with bad lines mixed in) and evaluate.

#include "trm/core/jsonl.h"
#include "trm/tasks/function_call/schema.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

class EndToEndTest : public ::testing::Test {
 protected:
  // CTest runs each test in its own process, possibly in parallel, so every
  // test gets its own folder.
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (fs::temp_directory_path() / ("trm_end_to_end_" + std::string(info->name()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ + "/tiny.yaml") << R"(model:
  hidden_size: 16
  num_heads: 2
  puzzle_emb_len: 2
  latent_steps: 2
  cycles: 2
  halt_max_steps: 2
  forward_dtype: float32
task:
  context_len: 640
  output_len: 256
data:
  train: [default]
  dev: [default]
  dev_max_records: 8
train:
  batch_size: 4
  max_steps: 3
  lr_warmup_steps: 1
  eval_every: 2
  log_every: 1
runtime:
  threads: 1
)";
    trm_ = TRM_BINARY;
  }

  // Runs a command with its output appended to <dir>/commands.log; returns the exit status.
  int run(const std::string& command) const {
    const std::string full = command + " >> " + dir_ + "/commands.log 2>&1";
    return std::system(full.c_str());
  }

  std::string dir_;
  std::string trm_;
};

TEST_F(EndToEndTest, TrainRefineEval) {
  ASSERT_EQ(run(trm_ + " data generate --out-dir " + dir_ + "/data --train 20 --dev 12"), 0);
  ASSERT_EQ(run(trm_ + " train --config " + dir_ + "/tiny.yaml --set train.out_dir=" + dir_ + "/run"), 0);
  ASSERT_TRUE(fs::exists(dir_ + "/run/best.safetensors"));
  ASSERT_EQ(run(trm_ + " data corrupt --input " + dir_ + "/data/dev.jsonl --output " + dir_ + "/faulty.jsonl"), 0);

  // Mix in a line that is not JSON and a record without base_output.
  {
    std::ofstream out(dir_ + "/faulty.jsonl", std::ios::app);
    out << "{not json\n";
    out << R"({"id": "no_base", "query": "q", "tools": []})" << "\n";
  }
  const auto input_lines = trm::core::read_jsonl(dir_ + "/faulty.jsonl");
  ASSERT_EQ(input_lines.size(), 14u);

  ASSERT_EQ(run(trm_ + " refine --checkpoint " + dir_ + "/run/best.safetensors --input " + dir_ +
                "/faulty.jsonl --output " + dir_ + "/refined.jsonl --threads 1"),
            0);
  const auto output = trm::core::read_jsonl(dir_ + "/refined.jsonl");
  ASSERT_EQ(output.size(), input_lines.size());
  for (std::size_t i = 0; i < output.size(); ++i) {
    ASSERT_TRUE(output[i].value.has_value()) << "line " << i + 1;
    EXPECT_EQ((*output[i].value)["line"], input_lines[i].line) << "line " << i + 1;
  }
  for (std::size_t i = 0; i < 12; ++i) {
    const auto& line = *output[i].value;
    EXPECT_FALSE(line.contains("error")) << line.dump();
    EXPECT_TRUE(line["refined_output"].is_string());
    EXPECT_GE(line["steps"].get<int>(), 1);
    EXPECT_LE(line["steps"].get<int>(), 2);
  }
  EXPECT_NE((*output[12].value)["error"].get<std::string>().find("invalid JSON"), std::string::npos);
  EXPECT_NE((*output[13].value)["error"].get<std::string>().find("base_output"), std::string::npos);
  EXPECT_EQ((*output[13].value)["id"], "no_base");

  ASSERT_EQ(run(trm_ + " eval --input " + dir_ + "/refined.jsonl --report " + dir_ + "/eval.json"), 0);
  std::ifstream report_file(dir_ + "/eval.json");
  const auto report = nlohmann::json::parse(report_file);
  EXPECT_EQ(report["overall"]["records"], 14);
  EXPECT_EQ(report["overall"]["errors"], 2);
  EXPECT_EQ(report["overall"]["base"]["schema_ok"]["total"], 12);
}

TEST_F(EndToEndTest, ValidBaseOutputIsNeverMadeWorse) {
  ASSERT_EQ(run(trm_ + " data generate --out-dir " + dir_ + "/data --train 20 --dev 8"), 0);
  ASSERT_EQ(run(trm_ + " train --config " + dir_ + "/tiny.yaml --set train.out_dir=" + dir_ + "/run"), 0);
  // Base outputs equal to the gold calls validate; a 3-step model's outputs do not.
  {
    std::ofstream out(dir_ + "/valid.jsonl");
    for (const auto& line : trm::core::read_jsonl(dir_ + "/data/dev.jsonl")) {
      auto record = *line.value;
      record["base_output"] = record["gold"].dump();
      out << record.dump() << "\n";
    }
  }
  const std::string common = trm_ + " refine --checkpoint " + dir_ + "/run/best.safetensors --input " + dir_ +
                             "/valid.jsonl --threads 1 --no-repeat-stop";
  ASSERT_EQ(run(common + " --output " + dir_ + "/accept.jsonl --trace " + dir_ + "/trace.jsonl"), 0);
  ASSERT_EQ(run(common + " --output " + dir_ + "/keep.jsonl --valid-base keep"), 0);
  ASSERT_EQ(run(common + " --output " + dir_ + "/constrained.jsonl --constrained"), 0);

  const auto accepted = trm::core::read_jsonl(dir_ + "/accept.jsonl");
  const auto kept = trm::core::read_jsonl(dir_ + "/keep.jsonl");
  const auto constrained = trm::core::read_jsonl(dir_ + "/constrained.jsonl");
  ASSERT_EQ(accepted.size(), 8u);
  ASSERT_EQ(kept.size(), 8u);
  ASSERT_EQ(constrained.size(), 8u);
  int steps = 0;
  for (std::size_t i = 0; i < accepted.size(); ++i) {
    const auto& a = *accepted[i].value;
    const auto& k = *kept[i].value;
    EXPECT_EQ(a["refined_output"], a["base_output"]) << a.dump();
    EXPECT_EQ(a.value("reverted_to_base", false), true) << a.dump();
    EXPECT_EQ(k["refined_output"], k["base_output"]);
    EXPECT_EQ(k["stop_reason"], "valid_base");
    EXPECT_EQ(k["steps"], 0);
    // The constraint makes any output valid, so it never replaces a valid base output by itself.
    const auto& c = *constrained[i].value;
    EXPECT_EQ(c["refined_output"], c["base_output"]) << c.dump();
    steps += a["steps"].get<int>();
  }
  // The trace has one line per record and step, with the decoded output of that step.
  const auto trace = trm::core::read_jsonl(dir_ + "/trace.jsonl");
  EXPECT_EQ(static_cast<int>(trace.size()), steps);
  for (const auto& line : trace) {
    EXPECT_TRUE((*line.value)["output"].is_string());
    EXPECT_GE((*line.value)["step"].get<int>(), 1);
    EXPECT_TRUE((*line.value)["valid"].is_boolean());
  }
}

TEST_F(EndToEndTest, ConstrainedDecodingAlwaysValidates) {
  ASSERT_EQ(run(trm_ + " data generate --out-dir " + dir_ + "/data --train 20 --dev 16"), 0);
  ASSERT_EQ(run(trm_ + " train --config " + dir_ + "/tiny.yaml --set train.out_dir=" + dir_ + "/run"), 0);
  ASSERT_EQ(run(trm_ + " data corrupt --input " + dir_ + "/data/dev.jsonl --output " + dir_ + "/faulty.jsonl"), 0);
  // A model trained for 3 steps writes noise; the constrained decoder must still produce valid calls.
  ASSERT_EQ(run(trm_ + " refine --checkpoint " + dir_ + "/run/best.safetensors --input " + dir_ +
                "/faulty.jsonl --output " + dir_ + "/refined.jsonl --threads 1 --constrained"),
            0);
  const auto records = trm::core::read_jsonl(dir_ + "/data/dev.jsonl");
  const auto output = trm::core::read_jsonl(dir_ + "/refined.jsonl");
  ASSERT_EQ(output.size(), 16u);
  int constrained = 0;
  for (std::size_t i = 0; i < output.size(); ++i) {
    const auto& line = *output[i].value;
    const std::string decode = line.value("decode", "");
    if (decode != "constrained" && decode != "argmax_valid") continue;
    ++constrained;
    const auto tools = (*records[i].value)["tools"];
    EXPECT_TRUE(trm::tasks::function_call::output_validates(line["refined_output"].get<std::string>(), tools))
        << line.dump();
  }
  EXPECT_EQ(constrained, 16);
}

TEST_F(EndToEndTest, PassthroughKeepsBaseOutputs) {
  ASSERT_EQ(run(trm_ + " data generate --out-dir " + dir_ + "/pass --train 0 --dev 10"), 0);
  ASSERT_EQ(run(trm_ + " data corrupt --input " + dir_ + "/pass/dev.jsonl --output " + dir_ + "/pass/faulty.jsonl"), 0);
  ASSERT_EQ(run(trm_ + " refine --passthrough --input " + dir_ + "/pass/faulty.jsonl --output " + dir_ +
                "/pass/out.jsonl"),
            0);
  const auto output = trm::core::read_jsonl(dir_ + "/pass/out.jsonl");
  ASSERT_EQ(output.size(), 10u);
  for (const auto& line : output) {
    EXPECT_EQ((*line.value)["refined_output"], (*line.value)["base_output"]);
    EXPECT_EQ((*line.value)["stop_reason"], "passthrough");
  }
}

TEST_F(EndToEndTest, RefineWithoutCheckpointFails) {
  ASSERT_EQ(run(trm_ + " data generate --out-dir " + dir_ + "/nock --train 0 --dev 2"), 0);
  EXPECT_NE(run(trm_ + " refine --input " + dir_ + "/nock/dev.jsonl --output " + dir_ + "/nock/out.jsonl"), 0);
  EXPECT_FALSE(fs::exists(dir_ + "/nock/out.jsonl"));
}

// Both shipped Sudoku configs train from the CLI (shrunk to seconds), and
// `trm test` reports the accuracy curves of the checkpoint.
class SudokuCliTest : public EndToEndTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(SudokuCliTest, ShippedConfigTrainsAndTests) {
  ASSERT_EQ(run(trm_ + " data sudoku --out-dir " + dir_ + "/sudoku --train 16 --test 6"), 0);
  const std::string shrink =
      " --set model.hidden_size=16 --set model.latent_steps=1 --set model.cycles=2 --set model.halt_max_steps=3"
      " --set train.batch_size=4 --set train.max_steps=3 --set train.lr_warmup_steps=1 --set train.eval_every=0"
      " --set runtime.threads=1 --set data.train=[" + dir_ + "/sudoku/train.jsonl] --set data.dev=[" + dir_ +
      "/sudoku/test.jsonl] --set train.out_dir=" + dir_ + "/run";
  const std::string config = std::string(TRM_SOURCE_DIR) + "/configs/sudoku_" + GetParam() + ".yaml";
  ASSERT_EQ(run(trm_ + " train --config " + config + shrink), 0);
  ASSERT_EQ(run(trm_ + " test --checkpoint " + dir_ + "/run/last.safetensors --threads 1 --report " + dir_ +
                "/test.json"),
            0);
  std::ifstream report_file(dir_ + "/test.json");
  const auto report = nlohmann::json::parse(report_file);
  EXPECT_EQ(report["task"], "sudoku");
  EXPECT_EQ(report["examples"], 6);
  for (const char* curve : {"exact_by_step", "token_by_step", "exact_with_halting_by_step"}) {
    ASSERT_EQ(report[curve].size(), 3u) << curve;
    for (const auto& value : report[curve]) {
      EXPECT_GE(value.get<double>(), 0.0);
      EXPECT_LE(value.get<double>(), 1.0);
    }
  }
  // Given cells are easy to copy: some tokens must be right even after three steps.
  EXPECT_GT(report["token_accuracy"].get<double>(), 0.0);
  EXPECT_EQ(report["exact_accuracy"], report["exact_by_step"][2]);
}

INSTANTIATE_TEST_SUITE_P(Configs, SudokuCliTest, ::testing::Values("mlp", "att"));

TEST_F(EndToEndTest, BadConfigKeyFailsWithPath) {
  std::ofstream(dir_ + "/bad.yaml") << "train:\n  learning_rate: 0.1\n";
  const std::string log = dir_ + "/bad.log";
  const int status = std::system((trm_ + " train --config " + dir_ + "/bad.yaml > " + log + " 2>&1").c_str());
  EXPECT_NE(status, 0);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("train.learning_rate"), std::string::npos) << text.str();
}

}  // namespace
