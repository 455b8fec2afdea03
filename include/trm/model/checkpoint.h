#pragma once
// Model checkpoints: safetensors files holding the weights (`model.*`), their
// moving average (`ema.*`), optionally the training state, and in the
// metadata the effective config as YAML plus the task's sizes.

#include "trm/core/config.h"
#include "trm/model/safetensors.h"
#include "trm/model/trm.h"

#include <string>

namespace trm::model {

/// Metadata keys every checkpoint carries.
constexpr const char* kMetaConfig = "config";
constexpr const char* kMetaVocabSize = "vocab_size";
constexpr const char* kMetaSeqLen = "seq_len";
constexpr const char* kMetaStep = "step";

/// Adds the weights of `model` as `model.<name>` (parameters and buffers).
void add_model_tensors(TensorFile& file, TinyRecursiveModel& model, const std::string& prefix = "model.");

/// Copies `<prefix><name>` tensors into the parameters and buffers of
/// `model`. Throws std::runtime_error naming the first missing or misshapen tensor.
void load_model_tensors(const TensorFile& file, TinyRecursiveModel& model, const std::string& prefix = "model.");

/// A model restored for inference.
struct LoadedModel {
  core::Config config;
  TinyRecursiveModel model{nullptr};
  /// Training step at which the checkpoint was written.
  int64_t step = 0;
  /// True when EMA weights were found and loaded.
  bool ema = false;
};

/// Loads a checkpoint for inference: builds the model from the stored config,
/// loads `model.*`, then overwrites the dense parameters with `ema.*` when
/// present, and moves it to `device` in eval mode.
LoadedModel load_for_inference(const std::string& path, const torch::Device& device);

}  // namespace trm::model
