#include "trm/core/config.h"

#include <cstdio>
#include <sstream>
#include <type_traits>
#include <stdexcept>
#include <thread>

#include <sched.h>

namespace trm::core {
namespace {

template <typename T>
std::string to_text(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

[[noreturn]] void reject(const std::string& key, const std::string& rule, const std::string& value) {
  throw std::invalid_argument(config_error(key, rule, value));
}

void require_positive(const std::string& key, double value) {
  if (!(value > 0)) reject(key, "must be > 0", to_text(value));
}

void require_at_least(const std::string& key, long long value, long long minimum) {
  if (value < minimum) reject(key, "must be >= " + std::to_string(minimum), std::to_string(value));
}

void require_unit_interval(const std::string& key, double value) {
  if (!(value >= 0.0 && value <= 1.0)) reject(key, "must be in [0, 1]", to_text(value));
}

void require_one_of(const std::string& key, const std::string& value, const std::vector<std::string>& allowed) {
  for (const auto& option : allowed) {
    if (value == option) return;
  }
  std::string list;
  for (const auto& option : allowed) list += (list.empty() ? "" : ", ") + option;
  reject(key, "must be one of " + list, "'" + value + "'");
}

// Reads one section through its field visitor, then rejects unread keys.
template <typename Section>
Section read_section(YamlFields fields) {
  Section section;
  section.visit([&](const char* key, auto& field) { fields.read(key, field); });
  fields.finish();
  return section;
}

// Writes doubles with 15 significant digits, so 0.1 reads back as 0.1 instead
// of yaml-cpp's round-trip form 0.10000000000000001.
template <typename Section>
YAML::Node write_section(Section section) {
  YAML::Node node(YAML::NodeType::Map);
  section.visit([&](const char* key, auto& field) {
    using Field = std::decay_t<decltype(field)>;
    if constexpr (std::is_floating_point_v<Field>) {
      char text[32];
      std::snprintf(text, sizeof(text), "%.15g", static_cast<double>(field));
      node[key] = YAML::Load(text);
    } else {
      node[key] = field;
    }
  });
  return node;
}

}  // namespace

void ModelConfig::validate() const {
  require_at_least("model.hidden_size", hidden_size, 1);
  require_at_least("model.num_heads", num_heads, 1);
  if (hidden_size % num_heads != 0) {
    reject("model.hidden_size", "must be divisible by model.num_heads (" + std::to_string(num_heads) + ")",
           std::to_string(hidden_size));
  }
  if (pos_encodings == "rope" && (hidden_size / num_heads) % 2 != 0) {
    reject("model.num_heads", "must leave an even head size for RoPE", std::to_string(num_heads));
  }
  require_at_least("model.num_layers", num_layers, 1);
  require_positive("model.expansion", expansion);
  require_one_of("model.mixer", mixer, {"attention", "mlp"});
  require_one_of("model.pos_encodings", pos_encodings, {"rope", "none"});
  if (mixer == "mlp" && pos_encodings != "none") {
    reject("model.pos_encodings", "must be 'none' when model.mixer is 'mlp'", "'" + pos_encodings + "'");
  }
  require_positive("model.rope_theta", rope_theta);
  require_positive("model.rms_norm_eps", rms_norm_eps);
  require_at_least("model.puzzle_emb_len", puzzle_emb_len, 1);
  require_at_least("model.num_puzzle_ids", num_puzzle_ids, 1);
  require_at_least("model.latent_steps", latent_steps, 0);
  require_at_least("model.cycles", cycles, 1);
  require_at_least("model.halt_max_steps", halt_max_steps, 1);
  require_unit_interval("model.halt_exploration_prob", halt_exploration_prob);
  require_one_of("model.forward_dtype", forward_dtype, {"bfloat16", "float32"});
  require_one_of("model.answer_init", answer_init, {"fixed", "input"});
}

void TaskConfig::validate() const {
  require_one_of("task.name", name, {"function_call", "sudoku"});
  require_at_least("task.context_len", context_len, 8);
  require_at_least("task.output_len", output_len, 8);
  if (faults && !faults.IsNull() && !faults.IsMap()) reject("task.faults", "must be a mapping", YAML::Dump(faults));
  if (sudoku && !sudoku.IsNull() && !sudoku.IsMap()) reject("task.sudoku", "must be a mapping", YAML::Dump(sudoku));
}

void DataConfig::validate() const {
  if (train.empty()) reject("data.train", "must list at least one file, pattern or 'default'", "[]");
  if (dev.empty()) reject("data.dev", "must list at least one file, pattern or 'default'", "[]");
  require_at_least("data.dev_max_records", dev_max_records, 0);
}

void TrainConfig::validate() const {
  require_at_least("train.batch_size", batch_size, 1);
  require_at_least("train.max_steps", max_steps, 1);
  require_one_of("train.optimizer", optimizer, {"adam_atan2", "adamw"});
  require_positive("train.lr", lr);
  require_at_least("train.lr_warmup_steps", lr_warmup_steps, 0);
  require_one_of("train.lr_schedule", lr_schedule, {"constant", "cosine"});
  require_unit_interval("train.lr_min_ratio", lr_min_ratio);
  if (weight_decay < 0) reject("train.weight_decay", "must be >= 0", to_text(weight_decay));
  if (!(beta1 >= 0 && beta1 < 1)) reject("train.beta1", "must be in [0, 1)", to_text(beta1));
  if (!(beta2 >= 0 && beta2 < 1)) reject("train.beta2", "must be in [0, 1)", to_text(beta2));
  require_positive("train.adamw_eps", adamw_eps);
  if (puzzle_emb_lr < 0) reject("train.puzzle_emb_lr", "must be >= 0", to_text(puzzle_emb_lr));
  if (puzzle_emb_weight_decay < 0) {
    reject("train.puzzle_emb_weight_decay", "must be >= 0", to_text(puzzle_emb_weight_decay));
  }
  if (!(ema_rate > 0 && ema_rate < 1)) reject("train.ema_rate", "must be in (0, 1)", to_text(ema_rate));
  require_at_least("train.log_every", log_every, 1);
  require_at_least("train.eval_every", eval_every, 0);
  require_at_least("train.checkpoint_every", checkpoint_every, 0);
  if (out_dir.empty()) reject("train.out_dir", "must not be empty", "''");
}

void RuntimeConfig::validate() const {
  require_at_least("runtime.threads", threads, 0);
  if (device != "cpu" && device != "cuda" && device.rfind("cuda:", 0) != 0) {
    reject("runtime.device", "must be 'cpu', 'cuda' or 'cuda:<index>'", "'" + device + "'");
  }
  require_one_of("runtime.log_level", log_level, {"trace", "debug", "info", "warn", "error"});
}

Config Config::from_yaml(const YAML::Node& root) {
  YamlFields fields(root, "");
  Config config;
  config.model = read_section<ModelConfig>(fields.child("model"));
  config.task = read_section<TaskConfig>(fields.child("task"));
  config.data = read_section<DataConfig>(fields.child("data"));
  config.train = read_section<TrainConfig>(fields.child("train"));
  config.runtime = read_section<RuntimeConfig>(fields.child("runtime"));
  fields.finish();
  return config;
}

Config Config::load(const std::string& path, const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw std::runtime_error("cannot open config file '" + path + "'");
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument(path + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  if (!root || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  for (const auto& assignment : overrides) apply_override(root, assignment);
  const std::string source = overrides.empty() ? path : path + " with --set overrides";
  try {
    Config config = from_yaml(root);
    config.validate();
    return config;
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(source + ": " + e.what());
  }
}

void Config::validate() const {
  model.validate();
  task.validate();
  data.validate();
  train.validate();
  runtime.validate();
}

YAML::Node Config::to_yaml() const {
  YAML::Node root(YAML::NodeType::Map);
  root["model"] = write_section(model);
  root["task"] = write_section(task);
  root["data"] = write_section(data);
  root["train"] = write_section(train);
  root["runtime"] = write_section(runtime);
  return root;
}

void apply_override(YAML::Node& root, const std::string& assignment) {
  const auto equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw std::invalid_argument("--set " + assignment + ": expected key=value with a dotted key, e.g. train.lr=3e-4");
  }
  const std::string key = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);

  std::vector<std::string> parts;
  std::stringstream stream(key);
  for (std::string part; std::getline(stream, part, '.');) {
    if (part.empty()) throw std::invalid_argument("--set " + assignment + ": empty key segment in '" + key + "'");
    parts.push_back(part);
  }

  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw std::invalid_argument("--set " + assignment + ": invalid YAML value: " + e.msg);
  }

  // yaml-cpp nodes are handles: walking with operator[] on copies edits the tree in place.
  std::vector<YAML::Node> path{root};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    YAML::Node next = path.back()[parts[i]];
    if (!next.IsDefined() || next.IsNull()) {
      path.back()[parts[i]] = YAML::Node(YAML::NodeType::Map);
      next = path.back()[parts[i]];
    } else if (!next.IsMap()) {
      throw std::invalid_argument("--set " + assignment + ": '" + parts[i] + "' is not a section");
    }
    path.push_back(next);
  }
  path.back()[parts.back()] = value;
}

int resolve_threads(int threads) {
  if (threads > 0) return threads;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

}  // namespace trm::core
