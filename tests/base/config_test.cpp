#include "trm/core/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include <string>

namespace {

using trm::core::Config;

std::string message_of(const std::string& yaml_text) {
  try {
    Config::from_yaml(YAML::Load(yaml_text)).validate();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTest, DefaultsValidate) {
  EXPECT_NO_THROW(Config{}.validate());
}

TEST(ConfigTest, ReadsSectionsAndKeepsOtherDefaults) {
  const auto config = Config::from_yaml(YAML::Load("model: {hidden_size: 64, num_heads: 2}\ntrain: {lr: 0.003}"));
  EXPECT_EQ(config.model.hidden_size, 64);
  EXPECT_EQ(config.model.num_heads, 2);
  EXPECT_DOUBLE_EQ(config.train.lr, 0.003);
  EXPECT_EQ(config.model.latent_steps, 6);
}

TEST(ConfigTest, RejectsUnknownKeyWithPath) {
  const auto message = message_of("train: {learning_rate: 0.1}");
  EXPECT_NE(message.find("train.learning_rate"), std::string::npos) << message;
  EXPECT_NE(message.find("unknown key"), std::string::npos) << message;
}

TEST(ConfigTest, RejectsUnknownSection) {
  EXPECT_NE(message_of("optim: {lr: 1}").find("optim"), std::string::npos);
}

TEST(ConfigTest, RejectsWrongTypeWithKeyAndValue) {
  const auto message = message_of("model: {hidden_size: big}");
  EXPECT_NE(message.find("model.hidden_size"), std::string::npos) << message;
  EXPECT_NE(message.find("integer"), std::string::npos) << message;
  EXPECT_NE(message.find("'big'"), std::string::npos) << message;
}

TEST(ConfigTest, RejectsZeroCycles) {
  const auto message = message_of("model: {cycles: 0}");
  EXPECT_NE(message.find("model.cycles: must be >= 1, got 0"), std::string::npos) << message;
}

TEST(ConfigTest, RejectsNegativeLatentSteps) {
  const auto message = message_of("model: {latent_steps: -1}");
  EXPECT_NE(message.find("model.latent_steps: must be >= 0, got -1"), std::string::npos) << message;
}

TEST(ConfigTest, AcceptsZeroLatentStepsForDirectPrediction) {
  EXPECT_EQ(message_of("model: {latent_steps: 0, cycles: 1, halt_max_steps: 1}"), "");
}

TEST(ConfigTest, RejectsIndivisibleHeads) {
  EXPECT_NE(message_of("model: {hidden_size: 100, num_heads: 8}").find("divisible"), std::string::npos);
}

TEST(ConfigTest, RejectsMlpMixerWithRope) {
  EXPECT_NE(message_of("model: {mixer: mlp}").find("model.pos_encodings"), std::string::npos);
}

TEST(ConfigTest, RejectsUnknownOptimizer) {
  const auto message = message_of("train: {optimizer: sgd}");
  EXPECT_NE(message.find("train.optimizer: must be one of adam_atan2, adamw, got 'sgd'"), std::string::npos) << message;
}

TEST(ConfigTest, RejectsBadDtype) {
  EXPECT_NE(message_of("model: {forward_dtype: fp8}").find("model.forward_dtype"), std::string::npos);
}

TEST(ConfigTest, RejectsBadDevice) {
  EXPECT_NE(message_of("runtime: {device: tpu}").find("runtime.device"), std::string::npos);
}

TEST(ConfigTest, RejectsNonPositiveBatch) {
  EXPECT_NE(message_of("train: {batch_size: 0}").find("train.batch_size: must be >= 1"), std::string::npos);
}

TEST(ConfigTest, RejectsEmaRateOutOfRange) {
  EXPECT_NE(message_of("train: {ema_rate: 1.0}").find("train.ema_rate"), std::string::npos);
}

TEST(ConfigTest, OverrideSetsNestedKey) {
  YAML::Node root = YAML::Load("train: {lr: 0.1}");
  trm::core::apply_override(root, "train.lr=0.5");
  trm::core::apply_override(root, "model.hidden_size=32");
  const auto config = Config::from_yaml(root);
  EXPECT_DOUBLE_EQ(config.train.lr, 0.5);
  EXPECT_EQ(config.model.hidden_size, 32);
}

TEST(ConfigTest, OverrideSetsList) {
  YAML::Node root(YAML::NodeType::Map);
  trm::core::apply_override(root, "data.train=[a.jsonl, b.jsonl]");
  const auto config = Config::from_yaml(root);
  ASSERT_EQ(config.data.train.size(), 2u);
  EXPECT_EQ(config.data.train[1], "b.jsonl");
}

TEST(ConfigTest, OverrideWithoutEqualsFails) {
  YAML::Node root(YAML::NodeType::Map);
  EXPECT_THROW(trm::core::apply_override(root, "train.lr"), std::invalid_argument);
}

TEST(ConfigTest, OverrideOfUnknownKeyIsRejectedOnRead) {
  YAML::Node root(YAML::NodeType::Map);
  trm::core::apply_override(root, "train.lrr=1");
  EXPECT_THROW(Config::from_yaml(root), std::invalid_argument);
}

TEST(ConfigTest, YamlRoundTripKeepsValues) {
  Config config;
  config.model.hidden_size = 96;
  config.data.train = {"x.jsonl"};
  config.train.seed = 42;
  const auto copy = Config::from_yaml(YAML::Load(YAML::Dump(config.to_yaml())));
  EXPECT_EQ(copy.model.hidden_size, 96);
  EXPECT_EQ(copy.data.train, std::vector<std::string>{"x.jsonl"});
  EXPECT_EQ(copy.train.seed, 42u);
}

TEST(ConfigTest, ThreadsZeroMeansAllCores) {
  EXPECT_GE(trm::core::resolve_threads(0), 1);
  EXPECT_EQ(trm::core::resolve_threads(3), 3);
}

}  // namespace

namespace {

// CTest may run tests in parallel processes, so each test writes its own file.
std::string load_error(const std::string& yaml_text, const std::vector<std::string>& overrides) {
  const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const std::string path = testing::TempDir() + "config_test_" + name + ".yaml";
  std::ofstream(path) << yaml_text;
  try {
    Config::load(path, overrides);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigTest, LoadErrorNamesFileAndKey) {
  const auto message = load_error("model: {cycles: 0}\n", {});
  EXPECT_NE(message.find("config_test_LoadErrorNamesFileAndKey.yaml: model.cycles: must be >= 1, got 0"), std::string::npos) << message;
}

TEST(ConfigTest, LoadErrorMentionsOverrides) {
  const auto message = load_error("model: {cycles: 2}\n", {"model.cycle=3"});
  EXPECT_NE(message.find("with --set overrides: model.cycle: unknown key"), std::string::npos) << message;
}

TEST(ConfigTest, EffectiveConfigPrintsShortDoubles) {
  Config config;
  config.train.weight_decay = 0.1;
  config.train.lr = 3e-4;
  const std::string text = YAML::Dump(config.to_yaml());
  EXPECT_NE(text.find("weight_decay: 0.1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lr: 0.0003\n"), std::string::npos) << text;
  EXPECT_DOUBLE_EQ(Config::from_yaml(YAML::Load(text)).train.lr, 3e-4);
}

}  // namespace
