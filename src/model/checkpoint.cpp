#include "trm/model/checkpoint.h"

#include <stdexcept>

namespace trm::model {

void add_model_tensors(TensorFile& file, TinyRecursiveModel& model, const std::string& prefix) {
  for (const auto& item : model->named_parameters()) file.tensors[prefix + item.key()] = item.value().detach();
  for (const auto& item : model->named_buffers()) file.tensors[prefix + item.key()] = item.value().detach();
}

void load_model_tensors(const TensorFile& file, TinyRecursiveModel& model, const std::string& prefix) {
  torch::NoGradGuard no_grad;
  auto restore = [&](const std::string& name, torch::Tensor target) {
    auto found = file.tensors.find(prefix + name);
    if (found == file.tensors.end()) throw std::runtime_error("checkpoint has no tensor '" + prefix + name + "'");
    if (found->second.sizes() != target.sizes()) {
      std::ostringstream message;
      message << "checkpoint tensor '" << prefix << name << "' has shape " << found->second.sizes()
              << " but the model expects " << target.sizes() << " (was the config changed?)";
      throw std::runtime_error(message.str());
    }
    target.copy_(found->second);
  };
  for (const auto& item : model->named_parameters()) restore(item.key(), item.value());
  for (const auto& item : model->named_buffers()) restore(item.key(), item.value());
}

LoadedModel load_for_inference(const std::string& path, const torch::Device& device) {
  const TensorFile file = load_safetensors(path);
  auto meta = [&](const char* key) -> const std::string& {
    auto found = file.metadata.find(key);
    if (found == file.metadata.end()) throw std::runtime_error(path + ": not a trm checkpoint (metadata '" + key + "' missing)");
    return found->second;
  };

  LoadedModel loaded;
  loaded.config = core::Config::from_yaml(YAML::Load(meta(kMetaConfig)));
  loaded.step = std::stoll(meta(kMetaStep));
  loaded.model = TinyRecursiveModel(
      TinyRecursiveModelOptions(loaded.config.model, std::stoll(meta(kMetaVocabSize)), std::stoll(meta(kMetaSeqLen))));
  load_model_tensors(file, loaded.model, "model.");

  // Evaluation uses the moving average of the dense weights when the run kept one.
  const auto names = loaded.model->dense_parameter_names();
  if (!names.empty() && file.tensors.count("ema." + names.front())) {
    torch::NoGradGuard no_grad;
    auto params = loaded.model->dense_parameters();
    for (std::size_t i = 0; i < names.size(); ++i) {
      auto found = file.tensors.find("ema." + names[i]);
      if (found == file.tensors.end()) throw std::runtime_error(path + ": EMA tensor 'ema." + names[i] + "' missing");
      params[i].copy_(found->second);
    }
    loaded.ema = true;
  }
  loaded.model->to(device);
  loaded.model->eval();
  return loaded;
}

}  // namespace trm::model
