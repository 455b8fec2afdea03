#include "trm/train/trainer.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

// A copy task: labels equal the inputs. Records each training index it serves.
class CopyTask : public trm::tasks::Task {
 public:
  explicit CopyTask(int length) : length_(length) {
    for (int i = 0; i < 4; ++i) dev_.push_back(make_example(i));
  }
  std::string name() const override { return "copy"; }
  int vocab_size() const override { return 8; }
  int seq_len() const override { return length_; }
  std::size_t num_train() const override { return 10; }
  trm::tasks::Example train_example(std::size_t index, std::mt19937_64& rng) const override {
    served.push_back(index);
    return make_example(static_cast<int>(index + rng() % 3));
  }
  const std::vector<trm::tasks::Example>& dev_examples() const override { return dev_; }
  std::string describe_prediction(const std::vector<int32_t>&) const override { return ""; }

  mutable std::vector<std::size_t> served;

 private:
  trm::tasks::Example make_example(int seed) const {
    trm::tasks::Example example;
    for (int i = 0; i < length_; ++i) {
      example.inputs.push_back(1 + (seed + i) % 7);
      example.labels.push_back(1 + (seed + i) % 7);
    }
    return example;
  }
  int length_;
  std::vector<trm::tasks::Example> dev_;
};

trm::core::Config tiny_config(const std::string& out_dir) {
  trm::core::Config config;
  config.model.hidden_size = 16;
  config.model.num_heads = 2;
  config.model.puzzle_emb_len = 2;
  config.model.latent_steps = 2;
  config.model.cycles = 2;
  config.model.halt_max_steps = 2;
  config.model.halt_exploration_prob = 0.0;
  config.model.forward_dtype = "float32";
  config.train.batch_size = 3;
  config.train.max_steps = 4;
  config.train.lr = 1e-3;
  config.train.lr_warmup_steps = 0;
  config.train.eval_every = 0;
  config.train.out_dir = out_dir;
  return config;
}

std::string temp_dir(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / ("trm_trainer_test_" + name);
  std::filesystem::remove_all(path);
  std::filesystem::create_directories(path);
  return path.string();
}

TEST(TrainerTest, HaltedSlotsTakeFreshExamples) {
  CopyTask task(6);
  trm::train::Trainer trainer(tiny_config(temp_dir("halting")), task);

  // Step 1: every slot starts; the halting head starts at -5, so nothing halts before N_sup = 2.
  auto first = trainer.train_step();
  EXPECT_EQ(task.served.size(), 3u);
  EXPECT_EQ(first.halted, 0);

  // Step 2: the slots continue with their data and all halt at N_sup.
  auto second = trainer.train_step();
  EXPECT_EQ(task.served.size(), 3u);
  EXPECT_EQ(second.halted, 3);
  EXPECT_DOUBLE_EQ(second.mean_steps, 2.0);

  // Step 3: the halted slots are refilled.
  trainer.train_step();
  EXPECT_EQ(task.served.size(), 6u);
}

TEST(TrainerTest, EpochVisitsEveryRecordOnce) {
  CopyTask task(6);
  auto config = tiny_config(temp_dir("epoch"));
  config.model.halt_max_steps = 1;
  config.train.batch_size = 5;
  trm::train::Trainer trainer(config, task);
  trainer.train_step();
  trainer.train_step();
  std::vector<std::size_t> served = task.served;
  std::sort(served.begin(), served.end());
  std::vector<std::size_t> expected(10);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(served, expected);
}

TEST(TrainerTest, ResumeContinuesExactly) {
  const std::string dir = temp_dir("resume");
  CopyTask task_a(6);
  trm::train::Trainer straight(tiny_config(dir), task_a);
  straight.train_step();
  straight.train_step();
  straight.save_checkpoint(dir + "/mid.safetensors", "last");
  straight.train_step();
  straight.train_step();

  CopyTask task_b(6);
  trm::train::Trainer resumed(tiny_config(dir), task_b);
  resumed.load_checkpoint(dir + "/mid.safetensors");
  EXPECT_EQ(resumed.step(), 2);
  resumed.train_step();
  resumed.train_step();

  auto expected = straight.model()->named_parameters();
  auto actual = resumed.model()->named_parameters();
  for (const auto& item : expected) {
    EXPECT_TRUE(torch::equal(item.value(), actual[item.key()])) << item.key();
  }
}

TEST(TrainerTest, RunWritesCheckpointsAndMetrics) {
  const std::string dir = temp_dir("run");
  CopyTask task(6);
  auto config = tiny_config(dir);
  config.train.eval_every = 2;
  trm::train::Trainer trainer(config, task);
  trainer.run(/*resume=*/false);
  EXPECT_TRUE(std::filesystem::exists(dir + "/last.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/best.safetensors"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/config.yaml"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/metrics.jsonl"));
  EXPECT_EQ(trainer.step(), 4);
}

TEST(TrainerTest, ResumeWithoutCheckpointFails) {
  CopyTask task(6);
  trm::train::Trainer trainer(tiny_config(temp_dir("no_checkpoint")), task);
  EXPECT_THROW(trainer.run(/*resume=*/true), std::runtime_error);
}

TEST(TrainerTest, EvaluateReportsEveryStep) {
  CopyTask task(6);
  trm::train::Trainer trainer(tiny_config(temp_dir("evaluate")), task);
  auto stats = trainer.evaluate();
  EXPECT_EQ(stats.examples, 4);
  ASSERT_EQ(stats.exact_by_step.size(), 2u);
  EXPECT_GE(stats.token_accuracy, 0.0);
  EXPECT_LE(stats.token_accuracy, 1.0);
}

}  // namespace
