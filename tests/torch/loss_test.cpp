#include "trm/train/loss.h"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(LossTest, StablemaxMatchesFormula) {
  // s(1) = 2, s(-1) = 1/2, s(0) = 1: p(label 0) = 2 / 3.5.
  auto logits = torch::tensor({1.0, -1.0, 0.0}, torch::kFloat32).view({1, 1, 3});
  auto labels = torch::tensor({0}, torch::kLong).view({1, 1});
  auto loss = trm::train::stablemax_cross_entropy(logits, labels);
  EXPECT_NEAR(loss.item<double>(), 0.5596157879354228, 1e-7);
  EXPECT_EQ(loss.scalar_type(), torch::kFloat64);
}

TEST(LossTest, IgnoredPositionsContributeNothing) {
  auto logits = torch::randn({1, 2, 4});
  auto labels = torch::tensor({2, -100}, torch::kLong).view({1, 2});
  auto loss = trm::train::stablemax_cross_entropy(logits, labels);
  EXPECT_GT(loss[0][0].item<double>(), 0.0);
  EXPECT_EQ(loss[0][1].item<double>(), 0.0);
}

TEST(LossTest, SequenceMeanSummedOverBatch) {
  // Row 0: two supervised tokens; row 1: one. lm_loss = mean(row 0) + row 1.
  auto logits = torch::zeros({2, 2, 2});
  auto labels = torch::tensor({0, 1, 1, -100}, torch::kLong).view({2, 2});
  auto q_halt = torch::zeros({2});
  auto terms = trm::train::act_loss(logits, labels, q_halt, /*batch_size=*/4);
  const double token = std::log(2.0);  // uniform over two classes
  EXPECT_NEAR(terms.lm_loss.item<double>(), 2 * token, 1e-9);
}

TEST(LossTest, HaltingTargetIsWholeSequenceCorrect) {
  // Row 0 predicts both labels; row 1 gets one of two wrong.
  auto logits = torch::tensor({5.f, 0.f, 0.f, 5.f, 5.f, 0.f, 5.f, 0.f}).view({2, 2, 2});
  auto labels = torch::tensor({0, 1, 0, 1}, torch::kLong).view({2, 2});
  auto q_halt = torch::tensor({0.f, 0.f});
  auto terms = trm::train::act_loss(logits, labels, q_halt, 2);
  EXPECT_TRUE(terms.seq_correct[0].item<bool>());
  EXPECT_FALSE(terms.seq_correct[1].item<bool>());
  EXPECT_NEAR(terms.token_accuracy[1].item<float>(), 0.5f, 1e-6);
  // BCE at logit 0 is log 2 for either target, summed over two rows.
  EXPECT_NEAR(terms.q_halt_loss.item<float>(), 2 * std::log(2.0), 1e-5);
  const double expected_total = (terms.lm_loss.item<double>() + 0.5 * 2 * std::log(2.0)) / 2.0;
  EXPECT_NEAR(terms.total.item<double>(), expected_total, 1e-6);
}

}  // namespace
