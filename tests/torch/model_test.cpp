#include "trm/model/trm.h"

#include <gtest/gtest.h>

#include <vector>

namespace {

using trm::model::TinyRecursiveModel;
using trm::model::TinyRecursiveModelOptions;
using trm::model::UpdateKind;

trm::core::ModelConfig tiny_config() {
  trm::core::ModelConfig config;
  config.hidden_size = 32;
  config.num_heads = 4;
  config.num_layers = 2;
  config.puzzle_emb_len = 4;
  config.latent_steps = 3;
  config.cycles = 2;
  config.halt_max_steps = 4;
  config.forward_dtype = "float32";
  return config;
}

trm::model::RecursionState start_state(TinyRecursiveModel& model, const torch::Tensor& tokens) {
  return model->initial_state(model->input_embedding(tokens, torch::zeros({tokens.size(0)}, torch::kLong)));
}

class ModelTest : public ::testing::Test {
 protected:
  void SetUp() override { torch::manual_seed(0); }
};

TEST_F(ModelTest, ForwardShapes) {
  TinyRecursiveModel model(TinyRecursiveModelOptions(tiny_config(), /*vocab_size=*/11, /*seq_len=*/9));
  auto tokens = torch::randint(0, 11, {3, 9}, torch::kLong);
  auto ids = torch::zeros({3}, torch::kLong);
  auto out = model->forward(tokens, ids, start_state(model, tokens));
  EXPECT_EQ(out.logits.sizes(), (std::vector<int64_t>{3, 9, 11}));
  EXPECT_EQ(out.q_halt.sizes(), (std::vector<int64_t>{3}));
  EXPECT_EQ(out.q_continue.sizes(), (std::vector<int64_t>{3}));
  EXPECT_EQ(out.state.y.sizes(), (std::vector<int64_t>{3, 13, 32}));
  EXPECT_EQ(out.state.z.sizes(), (std::vector<int64_t>{3, 13, 32}));
}

TEST_F(ModelTest, RecursionOrderAndGradScope) {
  TinyRecursiveModel model(TinyRecursiveModelOptions(tiny_config(), 11, 9));
  std::vector<std::pair<UpdateKind, bool>> calls;
  model->set_update_observer(
      [&](UpdateKind kind, const torch::Tensor&) { calls.emplace_back(kind, torch::GradMode::is_enabled()); });
  auto tokens = torch::randint(0, 11, {2, 9}, torch::kLong);
  model->forward(tokens, torch::zeros({2}, torch::kLong), start_state(model, tokens));

  // T = 2 cycles of (n = 3 latent updates, 1 answer update); only the last cycle has gradient.
  const std::vector<std::pair<UpdateKind, bool>> expected = {
      {UpdateKind::kLatent, false}, {UpdateKind::kLatent, false}, {UpdateKind::kLatent, false},
      {UpdateKind::kAnswer, false}, {UpdateKind::kLatent, true},  {UpdateKind::kLatent, true},
      {UpdateKind::kLatent, true},  {UpdateKind::kAnswer, true}};
  ASSERT_EQ(calls.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(calls[i].first, expected[i].first) << "call " << i;
    EXPECT_EQ(calls[i].second, expected[i].second) << "call " << i;
  }
}

TEST_F(ModelTest, DirectPredictionIsOneCallThatSeesInput) {
  auto config = tiny_config();
  config.latent_steps = 0;
  config.cycles = 1;
  config.halt_max_steps = 1;
  TinyRecursiveModel model(TinyRecursiveModelOptions(config, 11, 9));
  int calls = 0;
  model->set_update_observer([&](UpdateKind kind, const torch::Tensor&) {
    EXPECT_EQ(kind, UpdateKind::kAnswer);
    ++calls;
  });
  auto tokens = torch::randint(0, 11, {2, 9}, torch::kLong);
  auto other = (tokens + 1) % 11;
  auto ids = torch::zeros({2}, torch::kLong);
  auto out = model->forward(tokens, ids, start_state(model, tokens));
  EXPECT_EQ(calls, 1);
  auto out_other = model->forward(other, ids, start_state(model, other));
  EXPECT_FALSE(torch::allclose(out.logits, out_other.logits));
  EXPECT_TRUE(out.logits.requires_grad());
}

TEST_F(ModelTest, CarryIsDetached) {
  TinyRecursiveModel model(TinyRecursiveModelOptions(tiny_config(), 11, 9));
  auto tokens = torch::randint(0, 11, {2, 9}, torch::kLong);
  auto out = model->forward(tokens, torch::zeros({2}, torch::kLong), start_state(model, tokens));
  EXPECT_FALSE(out.state.y.requires_grad());
  EXPECT_FALSE(out.state.z.requires_grad());
  EXPECT_TRUE(out.logits.requires_grad());
  EXPECT_TRUE(out.q_halt.requires_grad());
}

TEST_F(ModelTest, GradientReachesEmbeddingsNotInitialStates) {
  TinyRecursiveModel model(TinyRecursiveModelOptions(tiny_config(), 11, 9));
  auto tokens = torch::randint(0, 11, {2, 9}, torch::kLong);
  auto out = model->forward(tokens, torch::zeros({2}, torch::kLong), start_state(model, tokens));
  (out.logits.sum() + out.q_halt.sum()).backward();
  ASSERT_TRUE(model->embed_tokens.grad().defined());
  EXPECT_GT(model->embed_tokens.grad().abs().sum().item<double>(), 0.0);
  ASSERT_TRUE(model->puzzle_emb.grad().defined());
  EXPECT_GT(model->puzzle_emb.grad().abs().sum().item<double>(), 0.0);
  EXPECT_FALSE(model->y_init.requires_grad());
  EXPECT_FALSE(model->z_init.requires_grad());
}

TEST_F(ModelTest, HaltingHeadStartsAtMinusFive) {
  TinyRecursiveModel model(TinyRecursiveModelOptions(tiny_config(), 11, 9));
  auto tokens = torch::randint(0, 11, {2, 9}, torch::kLong);
  auto out = model->forward(tokens, torch::zeros({2}, torch::kLong), start_state(model, tokens));
  EXPECT_NEAR(out.q_halt[0].item<float>(), -5.0f, 1e-6);
  EXPECT_NEAR(out.q_continue[1].item<float>(), -5.0f, 1e-6);
}

TEST_F(ModelTest, PrefixOnlyPositionZeroCarriesPuzzleVector) {
  TinyRecursiveModel model(TinyRecursiveModelOptions(tiny_config(), 11, 9));
  {
    torch::NoGradGuard no_grad;
    model->puzzle_emb.fill_(1.0);
  }
  auto x = model->input_embedding(torch::zeros({1, 9}, torch::kLong), torch::zeros({1}, torch::kLong));
  const double scale = std::sqrt(32.0);
  EXPECT_NEAR(x[0][0][5].item<float>(), scale, 1e-4);  // position 0: puzzle vector times sqrt(D)
  EXPECT_EQ(x[0][1].abs().sum().item<float>(), 0.0f);  // positions 1..P-1: zeros
  EXPECT_EQ(x[0][3].abs().sum().item<float>(), 0.0f);
}

TEST_F(ModelTest, AnswerInitFromInputStartsAtEmbedding) {
  auto config = tiny_config();
  config.answer_init = "input";
  TinyRecursiveModel model(TinyRecursiveModelOptions(config, 11, 9));
  auto tokens = torch::randint(0, 11, {2, 9}, torch::kLong);
  auto x = model->input_embedding(tokens, torch::zeros({2}, torch::kLong));
  auto state = model->initial_state(x);
  EXPECT_TRUE(torch::equal(state.y, x));
  EXPECT_FALSE(state.y.requires_grad());
  EXPECT_TRUE(torch::equal(state.z[1][3], model->z_init));

  // Resetting a row restores that row's start and leaves the others alone.
  trm::model::RecursionState moved{torch::zeros_like(x), torch::zeros_like(x)};
  auto reset = model->reset_rows(moved, torch::tensor({true, false}), x);
  EXPECT_TRUE(torch::equal(reset.y[0], x[0]));
  EXPECT_EQ(reset.y[1].abs().sum().item<float>(), 0.0f);
}

TEST_F(ModelTest, MlpMixerVariantRuns) {
  auto config = tiny_config();
  config.mixer = "mlp";
  config.pos_encodings = "none";
  TinyRecursiveModel model(TinyRecursiveModelOptions(config, 11, 9));
  auto tokens = torch::randint(0, 11, {2, 9}, torch::kLong);
  auto out = model->forward(tokens, torch::zeros({2}, torch::kLong), start_state(model, tokens));
  EXPECT_EQ(out.logits.sizes(), (std::vector<int64_t>{2, 9, 11}));
  EXPECT_TRUE(model->net->layers[0]->as<trm::model::BlockImpl>()->mlp_t);
  EXPECT_FALSE(model->net->layers[0]->as<trm::model::BlockImpl>()->self_attn);
}

TEST_F(ModelTest, ParameterCountMatchesReference) {
  // Sudoku with the MLP mixer: D = 512, V = 11, L = 81, P = 16 has 5,028,866
  // parameters in the reference implementation (puzzle table excluded).
  trm::core::ModelConfig config;
  config.mixer = "mlp";
  config.pos_encodings = "none";
  TinyRecursiveModel mlp(TinyRecursiveModelOptions(config, 11, 81));
  EXPECT_EQ(mlp->num_dense_parameters(), 5028866);

  // The attention variant of the same task has 6,828,034.
  TinyRecursiveModel attention(TinyRecursiveModelOptions(trm::core::ModelConfig{}, 11, 81));
  EXPECT_EQ(attention->num_dense_parameters(), 6828034);
}

}  // namespace
