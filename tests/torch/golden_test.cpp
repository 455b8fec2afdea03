// Compares the C++ model, loss and optimizers with golden values written by
// an independent PyTorch implementation (scripts/trm_golden.py; regenerate
// with `/usr/bin/python3 scripts/trm_golden.py --out-dir tests/data`).
// Python is not needed to run this test: the golden files are committed.

#include "trm/core/config.h"
#include "trm/model/checkpoint.h"
#include "trm/model/safetensors.h"
#include "trm/model/trm.h"
#include "trm/train/loss.h"
#include "trm/train/optimizer.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using trm::model::TensorFile;
using trm::model::TinyRecursiveModel;
using trm::model::UpdateKind;

// Tolerances: both sides compute in float32 with the same libtorch kernels
// but in a different order of operations, through six network calls.
constexpr double kStateAtol = 2e-5;
constexpr double kStateRtol = 1e-4;
constexpr double kGradAtol = 1e-6;
constexpr double kGradRtol = 1e-3;
constexpr double kLossRtol = 1e-6;
// AdamATan2 depends on the gradient almost only through m / sqrt(v), so its
// result is checked much tighter than the gradients.
constexpr double kUpdateAtol = 1e-7;
constexpr double kUpdateRtol = 2e-6;

class GoldenTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string path = std::string(TRM_SOURCE_DIR) + "/tests/data/trm_golden_" + GetParam() + ".safetensors";
    golden_ = trm::model::load_safetensors(path);
    const auto config = trm::core::Config::from_yaml(YAML::Load(golden_.metadata.at("config")));
    config.model.validate();
    model_ = TinyRecursiveModel(trm::model::TinyRecursiveModelOptions(
        config.model, std::stoll(golden_.metadata.at("vocab_size")), std::stoll(golden_.metadata.at("seq_len"))));
    trm::model::load_model_tensors(golden_, model_, "model.");
    model_->train();
  }

  const torch::Tensor& at(const std::string& key) const { return golden_.tensors.at(key); }

  // One supervision step from the initial state, recording each update.
  trm::model::StepOutput run_step(std::vector<torch::Tensor>* updates, std::string* kinds) {
    model_->set_update_observer([&](UpdateKind kind, const torch::Tensor& value) {
      updates->push_back(value.detach().clone());
      kinds->push_back(kind == UpdateKind::kLatent ? 'z' : 'y');
    });
    auto x = model_->input_embedding(at("batch.tokens"), at("batch.puzzle_ids"));
    auto out = model_->supervision_step(x, model_->initial_state(x));
    model_->set_update_observer(nullptr);
    return out;
  }

  TensorFile golden_;
  TinyRecursiveModel model_{nullptr};
};

::testing::AssertionResult close(const torch::Tensor& actual, const torch::Tensor& expected, double atol, double rtol,
                                 const std::string& what) {
  if (actual.sizes() != expected.sizes()) {
    return ::testing::AssertionFailure() << what << ": shape " << actual.sizes() << " vs " << expected.sizes();
  }
  auto a = actual.detach().to(torch::kFloat64);
  auto e = expected.detach().to(torch::kFloat64);
  const double max_error = (a - e).abs().max().item<double>();
  if (torch::allclose(a, e, rtol, atol)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << what << ": max abs error " << max_error << " (atol " << atol << ", rtol "
                                       << rtol << ")";
}

TEST_P(GoldenTest, StatesAfterEveryUpdateMatch) {
  std::vector<torch::Tensor> updates;
  std::string kinds;
  run_step(&updates, &kinds);
  EXPECT_EQ(kinds, golden_.metadata.at("update_kinds"));
  const auto& expected = at("expect.updates");  // [U, B, S, D]
  ASSERT_EQ(static_cast<int64_t>(updates.size()), expected.size(0));
  for (std::size_t i = 0; i < updates.size(); ++i) {
    EXPECT_TRUE(close(updates[i], expected[static_cast<int64_t>(i)], kStateAtol, kStateRtol,
                      "update " + std::to_string(i) + " (" + kinds[i] + ")"));
  }
}

TEST_P(GoldenTest, LogitsAndLossMatch) {
  std::vector<torch::Tensor> updates;
  std::string kinds;
  auto out = run_step(&updates, &kinds);
  EXPECT_TRUE(close(out.logits, at("expect.logits"), kStateAtol, kStateRtol, "logits"));
  EXPECT_TRUE(close(out.q_halt, at("expect.q_halt"), kStateAtol, kStateRtol, "q_halt"));
  EXPECT_TRUE(close(out.q_continue, at("expect.q_continue"), kStateAtol, kStateRtol, "q_continue"));

  const auto& labels = at("batch.labels");
  auto terms = trm::train::act_loss(out.logits, labels, out.q_halt, labels.size(0));
  EXPECT_TRUE(torch::equal(terms.seq_correct, at("expect.seq_correct")));
  EXPECT_TRUE(close(terms.lm_loss.reshape({1}), at("expect.lm_loss"), 0.0, kLossRtol, "lm_loss"));
  EXPECT_TRUE(close(terms.q_halt_loss.reshape({1}), at("expect.q_halt_loss"), 0.0, kLossRtol, "q_halt_loss"));
  EXPECT_TRUE(close(terms.total.reshape({1}), at("expect.loss_total"), 0.0, kLossRtol, "total"));
}

TEST_P(GoldenTest, GradientsAndOptimizerUpdatesMatch) {
  std::vector<torch::Tensor> updates;
  std::string kinds;
  auto out = run_step(&updates, &kinds);
  const auto& labels = at("batch.labels");
  trm::train::act_loss(out.logits, labels, out.q_halt, labels.size(0)).total.backward();

  int checked = 0;
  for (const auto& item : model_->named_parameters()) {
    const std::string key = "expect.grad." + item.key();
    ASSERT_TRUE(golden_.tensors.count(key)) << "golden file lacks " << key;
    EXPECT_TRUE(close(item.value().grad(), at(key), kGradAtol, kGradRtol, "gradient of " + item.key()));
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(model_->named_parameters().size()));

  // Two AdamATan2 updates from the same gradients, as the generator applies them.
  trm::core::TrainConfig train;
  train.lr = 0.01;
  train.weight_decay = 0.5;
  train.beta1 = 0.9;
  train.beta2 = 0.95;
  auto optimizer = trm::train::make_optimizer(train, model_->dense_parameters(), model_->dense_parameter_names());
  optimizer->step(train.lr);
  optimizer->step(train.lr);
  int updated = 0;
  for (const auto& item : model_->named_parameters()) {
    const std::string key = "expect.after_adam." + item.key();
    if (!golden_.tensors.count(key)) continue;
    EXPECT_TRUE(close(item.value(), at(key), kUpdateAtol, kUpdateRtol, "AdamATan2 result of " + item.key()));
    ++updated;
  }
  EXPECT_GE(updated, 5);

  auto table = model_->puzzle_emb;
  {
    torch::NoGradGuard no_grad;
    trm::train::sign_sgd_rows(table, at("batch.puzzle_ids"), 0.02, 0.5);
  }
  EXPECT_TRUE(close(model_->puzzle_emb, at("expect.after_sign_sgd.puzzle_emb"), kUpdateAtol, kUpdateRtol,
                    "sign-SGD table"));
}

INSTANTIATE_TEST_SUITE_P(Mixers, GoldenTest, ::testing::Values("attention", "mlp"));

}  // namespace
