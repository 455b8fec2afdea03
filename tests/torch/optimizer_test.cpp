#include "trm/train/optimizer.h"

#include <gtest/gtest.h>

namespace {

using trm::train::AdamAtan2;
using trm::train::AdamW;

// Expected values come from the update formulas evaluated by hand (in double
// precision) for p0 = 1, gradients 0.5 then -0.25, lr 0.1, wd 0.01, betas (0.9, 0.95).
torch::Tensor scalar_parameter() {
  return torch::ones({1}, torch::kFloat64).set_requires_grad(true);
}

void set_grad(torch::Tensor& p, double value) {
  p.mutable_grad() = torch::full({1}, value, torch::kFloat64);
}

TEST(OptimizerTest, AdamAtan2MatchesHandComputedUpdates) {
  auto p = scalar_parameter();
  AdamAtan2 optimizer({p}, {"p"}, 0.9, 0.95, 0.01);
  set_grad(p, 0.5);
  optimizer.step(0.1);
  EXPECT_NEAR(p.item<double>(), 0.8993313475088379, 1e-12);
  set_grad(p, -0.25);
  optimizer.step(0.1);
  EXPECT_NEAR(p.item<double>(), 0.871618293822145, 1e-12);
  EXPECT_EQ(optimizer.step_count(), 2);
}

TEST(OptimizerTest, AdamWMatchesHandComputedUpdates) {
  auto p = scalar_parameter();
  AdamW optimizer({p}, {"p"}, 0.9, 0.95, 0.01, 1e-8);
  set_grad(p, 0.5);
  optimizer.step(0.1);
  EXPECT_NEAR(p.item<double>(), 0.899000002, 1e-12);
  set_grad(p, -0.25);
  optimizer.step(0.1);
  EXPECT_NEAR(p.item<double>(), 0.8712640578738273, 1e-12);
}

TEST(OptimizerTest, SkipsParametersWithoutGradient) {
  auto p = scalar_parameter();
  AdamAtan2 optimizer({p}, {"p"}, 0.9, 0.95, 0.01);
  optimizer.step(0.1);
  EXPECT_EQ(p.item<double>(), 1.0);
}

TEST(OptimizerTest, StateRoundTrip) {
  auto p = scalar_parameter();
  AdamAtan2 first({p}, {"p"}, 0.9, 0.95, 0.0);
  set_grad(p, 0.5);
  first.step(0.1);

  auto q = p.detach().clone().set_requires_grad(true);
  AdamAtan2 second({q}, {"p"}, 0.9, 0.95, 0.0);
  second.load_state(first.state());
  second.set_step_count(first.step_count());
  set_grad(p, -0.25);
  set_grad(q, -0.25);
  first.step(0.1);
  second.step(0.1);
  EXPECT_EQ(p.item<double>(), q.item<double>());
}

TEST(OptimizerTest, LoadStateRejectsMissingTensor) {
  auto p = scalar_parameter();
  AdamAtan2 optimizer({p}, {"p"}, 0.9, 0.95, 0.0);
  EXPECT_THROW(optimizer.load_state({}), std::runtime_error);
}

TEST(OptimizerTest, SignSgdUpdatesOnlyRowsInBatch) {
  auto table = torch::ones({3, 2}).set_requires_grad(true);
  table.mutable_grad() = torch::tensor({{0.5f, -2.0f}, {3.0f, 3.0f}, {-1.0f, 0.0f}});
  trm::train::sign_sgd_rows(table, torch::tensor({0, 0}, torch::kLong), 0.1, 0.5);
  // Row 0: 1 * (1 - 0.05) - 0.1 * sign(g)
  EXPECT_NEAR(table[0][0].item<float>(), 0.85f, 1e-6);
  EXPECT_NEAR(table[0][1].item<float>(), 1.05f, 1e-6);
  // Rows absent from the batch keep their values, without decay.
  EXPECT_EQ(table[1][0].item<float>(), 1.0f);
  EXPECT_EQ(table[2][0].item<float>(), 1.0f);
}

TEST(OptimizerTest, EmaAveragesTowardParameters) {
  auto p = torch::zeros({1});
  trm::train::Ema ema({p}, 0.9);
  p.fill_(1.0);
  ema.update({p});
  EXPECT_NEAR(ema.shadow()[0].item<float>(), 0.1f, 1e-6);
  ema.update({p});
  EXPECT_NEAR(ema.shadow()[0].item<float>(), 0.19f, 1e-6);
}

TEST(OptimizerTest, WarmupThenConstantSchedule) {
  trm::core::TrainConfig config;
  config.lr = 1e-3;
  config.lr_warmup_steps = 10;
  EXPECT_NEAR(trm::train::learning_rate(config, 1), 1e-4, 1e-12);
  EXPECT_NEAR(trm::train::learning_rate(config, 5), 5e-4, 1e-12);
  EXPECT_NEAR(trm::train::learning_rate(config, 10), 1e-3, 1e-12);
  EXPECT_NEAR(trm::train::learning_rate(config, 1000), 1e-3, 1e-12);
}

TEST(OptimizerTest, CosineScheduleReachesFloor) {
  trm::core::TrainConfig config;
  config.lr = 1e-3;
  config.lr_warmup_steps = 0;
  config.lr_schedule = "cosine";
  config.lr_min_ratio = 0.1;
  config.max_steps = 100;
  EXPECT_NEAR(trm::train::learning_rate(config, 0), 1e-3, 1e-12);
  EXPECT_NEAR(trm::train::learning_rate(config, 50), 0.55e-3, 1e-9);
  EXPECT_NEAR(trm::train::learning_rate(config, 100), 1e-4, 1e-12);
}

}  // namespace
