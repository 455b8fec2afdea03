#include "trm/infer/refiner.h"

#include <gtest/gtest.h>

namespace {

using trm::model::TinyRecursiveModel;
using trm::model::TinyRecursiveModelOptions;

TinyRecursiveModel tiny_model() {
  torch::manual_seed(0);
  trm::core::ModelConfig config;
  config.hidden_size = 16;
  config.num_heads = 2;
  config.puzzle_emb_len = 2;
  config.latent_steps = 1;
  config.cycles = 1;
  config.halt_max_steps = 3;
  config.forward_dtype = "float32";
  return TinyRecursiveModel(TinyRecursiveModelOptions(config, 8, 5));
}

std::vector<trm::tasks::Example> examples(int count) {
  std::vector<trm::tasks::Example> result;
  for (int i = 0; i < count; ++i) {
    trm::tasks::Example example;
    for (int j = 0; j < 5; ++j) example.inputs.push_back((i + j) % 8);
    example.labels.assign(5, trm::tasks::kIgnoreLabel);
    result.push_back(example);
  }
  return result;
}

TEST(RefinerTest, RunsWholeBudgetWithoutHalting) {
  trm::infer::Refiner refiner(tiny_model(), torch::kCPU);
  trm::infer::RefineOptions options;
  options.use_halting = false;
  options.stop_on_repeat = false;
  trm::infer::RefineStats stats;
  const auto results = refiner.run(examples(4), options, &stats);
  ASSERT_EQ(results.size(), 4u);
  for (const auto& result : results) {
    EXPECT_EQ(result.steps, 3);
    EXPECT_EQ(result.stop_reason, "max_steps");
    EXPECT_EQ(result.tokens.size(), 5u);
  }
  EXPECT_EQ(stats.steps, 12);
}

TEST(RefinerTest, HaltingHeadStopsEarly) {
  auto model = tiny_model();
  {
    torch::NoGradGuard no_grad;
    model->q_head->bias.fill_(5.0);  // halt logit > 0 for every example
  }
  trm::infer::Refiner refiner(model, torch::kCPU);
  const auto results = refiner.run(examples(3), trm::infer::RefineOptions{});
  for (const auto& result : results) {
    EXPECT_EQ(result.steps, 1);
    EXPECT_EQ(result.stop_reason, "halted");
    EXPECT_GT(result.halt_probability, 0.99);
  }
}

TEST(RefinerTest, StepBudgetOverridesModel) {
  trm::infer::Refiner refiner(tiny_model(), torch::kCPU);
  trm::infer::RefineOptions options;
  options.max_steps = 2;
  const auto results = refiner.run(examples(2), options);
  EXPECT_EQ(results[0].steps, 2);
  EXPECT_EQ(results[1].steps, 2);
}

TEST(RefinerTest, BatchSizeDoesNotChangeResults) {
  auto model = tiny_model();
  trm::infer::Refiner refiner(model, torch::kCPU);
  trm::infer::RefineOptions one_by_one;
  one_by_one.batch_size = 1;
  trm::infer::RefineOptions all_at_once;
  all_at_once.batch_size = 5;
  const auto a = refiner.run(examples(5), one_by_one);
  const auto b = refiner.run(examples(5), all_at_once);
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].tokens, b[i].tokens) << "example " << i;
    EXPECT_EQ(a[i].steps, b[i].steps) << "example " << i;
  }
}

TEST(RefinerTest, RepeatedOutputStopsAsFixedPoint) {
  auto model = tiny_model();
  {
    torch::NoGradGuard no_grad;
    model->lm_head->weight.zero_();  // every step predicts token 0 everywhere
  }
  trm::infer::Refiner refiner(model, torch::kCPU);
  trm::infer::RefineOptions options;
  options.use_halting = false;
  const auto results = refiner.run(examples(4), options);
  for (const auto& result : results) {
    EXPECT_EQ(result.stop_reason, "fixed_point");
    EXPECT_EQ(result.steps, 2);
  }
}

TEST(RefinerTest, ValidOutputStopsFirstAndIsTraced) {
  trm::infer::Refiner refiner(tiny_model(), torch::kCPU);
  trm::infer::RefineOptions options;
  options.use_halting = false;
  options.stop_on_repeat = false;
  options.stop_on_valid = true;
  trm::infer::RefineHooks hooks;
  hooks.is_valid = [](std::size_t index, const std::vector<int32_t>&) { return index == 1; };
  std::vector<std::pair<std::size_t, int>> traced;
  hooks.on_step = [&](const trm::infer::StepTrace& step) {
    traced.emplace_back(step.index, step.step);
    EXPECT_EQ(step.valid, std::optional<bool>(step.index == 1));
    EXPECT_EQ(step.tokens->size(), 5u);
  };
  trm::infer::RefineStats stats;
  const auto results = refiner.run(examples(3), options, &stats, hooks);
  EXPECT_EQ(results[1].stop_reason, "valid");
  EXPECT_EQ(results[1].steps, 1);
  EXPECT_EQ(results[1].valid, std::optional<bool>(true));
  EXPECT_EQ(results[0].stop_reason, "max_steps");
  EXPECT_EQ(results[0].valid, std::optional<bool>(false));
  EXPECT_EQ(static_cast<int64_t>(traced.size()), stats.steps);
  EXPECT_EQ(stats.steps, 3 + 1 + 3);

  // Requiring the halting head too: its logit starts at -5, so nothing stops early.
  options.valid_requires_halt = true;
  const auto with_halt = refiner.run(examples(3), options, nullptr, hooks);
  EXPECT_EQ(with_halt[1].stop_reason, "max_steps");
}

TEST(RefinerTest, StopOnValidNeedsAHook) {
  trm::infer::Refiner refiner(tiny_model(), torch::kCPU);
  trm::infer::RefineOptions options;
  options.stop_on_valid = true;
  EXPECT_THROW(refiner.run(examples(1), options), std::invalid_argument);
}

TEST(RefinerTest, StopRulesApplyInOrder) {
  trm::infer::RefineOptions options;
  options.stop_on_valid = true;
  trm::infer::StepSignals signals;
  signals.step = 3;
  signals.budget = 8;
  signals.output_hash = 7;
  signals.earlier_hashes = {7, 9};
  EXPECT_EQ(trm::infer::stop_reason(options, signals), "oscillation");  // 7 came two steps ago
  signals.earlier_hashes = {9, 7};
  EXPECT_EQ(trm::infer::stop_reason(options, signals), "fixed_point");
  signals.halt = true;
  EXPECT_EQ(trm::infer::stop_reason(options, signals), "halted");
  signals.valid = true;
  EXPECT_EQ(trm::infer::stop_reason(options, signals), "valid");
  options.valid_requires_halt = true;
  signals.halt = false;
  EXPECT_EQ(trm::infer::stop_reason(options, signals), "fixed_point");
  signals.earlier_hashes = {1, 2};
  EXPECT_EQ(trm::infer::stop_reason(options, signals), "");
  signals.step = 8;
  EXPECT_EQ(trm::infer::stop_reason(options, signals), "max_steps");
  options.stop_on_repeat = false;
  signals.step = 3;
  signals.earlier_hashes = {9, 7};
  EXPECT_EQ(trm::infer::stop_reason(options, signals), "");
}

TEST(RefinerTest, RejectsInvalidOptions) {
  trm::infer::RefineOptions options;
  options.batch_size = 0;
  EXPECT_THROW(options.validate(), std::invalid_argument);
  options.batch_size = 1;
  options.max_steps = -1;
  EXPECT_THROW(options.validate(), std::invalid_argument);
}

}  // namespace
