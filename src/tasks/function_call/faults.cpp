#include "trm/tasks/function_call/faults.h"

#include "fault_kinds.h"
#include "random_draw.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace trm::tasks::function_call {

namespace {

using CallFault = bool (*)(fault_kinds::CallState&, const Record&, std::mt19937_64&);
using RenderFault = bool (*)(fault_kinds::RenderStyle&, const CallList&, std::mt19937_64&);
using TextFault = bool (*)(std::string&, const CallList&, std::mt19937_64&);

// One fault kind. Exactly one of the three functions is set, except for
// no_call, which replaces the whole output and has none.
struct FaultKind {
  const char* name;
  // Relative weight, derived from real failing outputs in docs/fault_model.md.
  double default_weight;
  CallFault on_calls;
  RenderFault on_rendering;
  TextFault on_text;
};

// In application order: call structure, then rendering, then text edits
// from the inside out (fences and prose wrap everything before them).
// TODO(faults): simulate a wrong number of calls (an extra, repeated or
// dropped call), 12% of real failing outputs on average.
const std::vector<FaultKind>& kinds() {
  namespace k = fault_kinds;
  static const std::vector<FaultKind> table = {
      {"misspelt_name", 5, k::misspell_name, nullptr, nullptr},
      {"missing_required", 5, k::drop_required_argument, nullptr, nullptr},
      {"invented_argument", 7, k::invent_argument, nullptr, nullptr},
      {"wrong_value", 26, k::change_value, nullptr, nullptr},
      {"enum_case", 2, k::change_enum_case, nullptr, nullptr},
      {"wrong_type", 5, k::change_type, nullptr, nullptr},
      {"python_syntax", 52, nullptr, k::choose_python_syntax, nullptr},
      {"python_literals", 2, nullptr, k::choose_python_literals, nullptr},
      {"single_quotes", 2, nullptr, k::choose_single_quotes, nullptr},
      {"double_encoded_args", 2, nullptr, k::choose_double_encoded_args, nullptr},
      {"unescaped_quotes", 2, nullptr, k::choose_unescaped_quotes, nullptr},
      {"runaway_whitespace", 2, nullptr, k::choose_runaway_whitespace, nullptr},
      {"missing_comma", 2, nullptr, nullptr, k::drop_comma},
      {"trailing_comma", 2, nullptr, nullptr, k::add_trailing_comma},
      {"missing_bracket", 2, nullptr, nullptr, k::drop_bracket},
      {"extra_bracket", 2, nullptr, nullptr, k::add_bracket},
      {"truncation", 2, nullptr, nullptr, k::truncate_text},
      {"trailing_garbage", 2, nullptr, nullptr, k::append_garbage},
      {"special_tokens", 4, nullptr, nullptr, k::add_special_tokens},
      {"wrapper_fence", 2, nullptr, nullptr, k::add_fence},
      {"wrapper_prose", 2, nullptr, nullptr, k::add_prose},
      {"no_call", 19, nullptr, nullptr, nullptr},
  };
  return table;
}

// Pairs of kinds that are never drawn together. Python-call syntax has no
// JSON strings or arguments object to alter. Double-encoded arguments hide
// their literals and quotes in an escaped string. A truncated output has no
// end to append garbage to.
bool compatible(const std::string& a, const std::string& b) {
  static const std::vector<std::pair<std::string, std::string>> kExclusive = {
      {"python_syntax", "python_literals"},       {"python_syntax", "single_quotes"},
      {"python_syntax", "double_encoded_args"},   {"double_encoded_args", "python_literals"},
      {"double_encoded_args", "unescaped_quotes"}, {"truncation", "trailing_garbage"},
  };
  if (a == "no_call" || b == "no_call") return false;
  return std::none_of(kExclusive.begin(), kExclusive.end(), [&](const auto& pair) {
    return (pair.first == a && pair.second == b) || (pair.first == b && pair.second == a);
  });
}

std::string join_key(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string valid_names_list() {
  std::string list;
  for (const std::string& name : fault_names()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

double effective_weight(const FaultConfig& config, const FaultKind& kind) {
  const auto found = config.weights.find(kind.name);
  return found == config.weights.end() ? kind.default_weight : found->second;
}

// Indices of the kinds with positive weight in a weighted random order
// (Efraimidis-Spirakis: sort by log(u) / w), so that taking a prefix samples
// without replacement in proportion to the weights.
std::vector<std::size_t> weighted_order(const FaultConfig& config, std::mt19937_64& rng) {
  std::vector<std::pair<double, std::size_t>> keyed;
  for (std::size_t i = 0; i < kinds().size(); ++i) {
    const double weight = effective_weight(config, kinds()[i]);
    const double u = 1.0 - draw_unit(rng);  // in (0, 1], so log(u) is finite
    if (weight > 0) keyed.emplace_back(std::log(u) / weight, i);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first > b.first; });

  std::vector<std::size_t> order;
  for (const auto& [unused, index] : keyed) order.push_back(index);
  return order;
}

// Applies the kinds `chosen` (indices in application order) to the gold of
// `record`. Labels only the kinds that changed the output, and only when the
// final text differs from the clean one.
CorruptedOutput apply_kinds(const std::vector<std::size_t>& chosen, const Record& record,
                            const std::string& clean, std::mt19937_64& rng) {
  CorruptedOutput out;
  if (chosen.size() == 1 && std::string(kinds()[chosen[0]].name) == "no_call") {
    out.text = fault_kinds::ask_instead_of_calling(*record.gold, rng);
    out.faults.push_back("no_call");
    return out;
  }

  fault_kinds::CallState state = fault_kinds::make_call_state(record);
  for (const std::size_t index : chosen) {
    const FaultKind& kind = kinds()[index];
    if (kind.on_calls != nullptr && kind.on_calls(state, record, rng)) out.faults.push_back(kind.name);
  }

  // Styles are compared through their rendered text, so a style choice that
  // happens to change nothing (single quotes on a text without strings)
  // leaves no label.
  fault_kinds::RenderStyle style;
  bool styled = false;
  std::string styled_text = fault_kinds::render_styled(state.calls, style);
  for (const std::size_t index : chosen) {
    const FaultKind& kind = kinds()[index];
    if (kind.on_rendering == nullptr) continue;
    fault_kinds::RenderStyle next = style;
    if (!kind.on_rendering(next, state.calls, rng)) continue;
    std::string next_text = fault_kinds::render_styled(state.calls, next);
    if (next_text == styled_text) continue;
    style = next;
    styled_text = std::move(next_text);
    styled = true;
    out.faults.push_back(kind.name);
  }
  out.text = styled ? styled_text : render_canonical(state.calls);

  // A text edit counts only when it gives a text not seen before, so that
  // two edits that cancel out (an added and a dropped bracket) are not both
  // labelled.
  std::vector<std::string> history = {out.text};
  for (const std::size_t index : chosen) {
    const FaultKind& kind = kinds()[index];
    if (kind.on_text == nullptr) continue;
    std::string next = out.text;
    if (!kind.on_text(next, state.calls, rng)) continue;
    if (std::find(history.begin(), history.end(), next) != history.end()) continue;
    history.push_back(next);
    out.text = std::move(next);
    out.faults.push_back(kind.name);
  }

  if (out.text == clean) out.faults.clear();
  return out;
}

bool applies_alone(std::size_t index, const Record& record, const std::string& clean, const std::mt19937_64& rng) {
  std::mt19937_64 trial = rng;
  return !apply_kinds({index}, record, clean, trial).faults.empty();
}

// The first `count` kinds of `order` that can be drawn together and apply to
// the record on their own, sorted into application order.
std::vector<std::size_t> choose_kinds(const std::vector<std::size_t>& order, std::size_t count,
                                      const Record& record, const std::string& clean,
                                      const std::mt19937_64& rng) {
  std::vector<std::size_t> chosen;
  for (const std::size_t index : order) {
    if (chosen.size() == count) break;
    const std::string name = kinds()[index].name;
    const bool fits = std::all_of(chosen.begin(), chosen.end(), [&](std::size_t other) {
      return compatible(name, kinds()[other].name);
    });
    if (!fits) continue;
    if (!applies_alone(index, record, clean, rng)) continue;
    chosen.push_back(index);
    if (name == "no_call") break;
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

}  // namespace

std::map<std::string, double> FaultConfig::default_fault_weights() {
  std::map<std::string, double> weights;
  for (const FaultKind& kind : kinds()) weights[kind.name] = kind.default_weight;
  return weights;
}

FaultConfig FaultConfig::from_yaml(core::YamlFields fields) {
  FaultConfig config;
  fields.read("clean_rate", config.clean_rate);
  fields.read("max_faults", config.max_faults);

  // Given weights replace the defaults one by one; unknown names are left in
  // the map for validate() to reject with the list of valid names.
  std::map<std::string, double> weights;
  fields.read("weights", weights);
  for (const auto& [name, weight] : weights) config.weights[name] = weight;
  fields.finish();

  std::string path = fields.key_path("");
  if (!path.empty() && path.back() == '.') path.pop_back();
  config.validate(path);
  return config;
}

void FaultConfig::validate(const std::string& path) const {
  if (!(clean_rate >= 0.0 && clean_rate <= 1.0)) {
    throw std::invalid_argument(
        core::config_error(join_key(path, "clean_rate"), "must be between 0 and 1", format_number(clean_rate)));
  }
  if (max_faults < 1) {
    throw std::invalid_argument(
        core::config_error(join_key(path, "max_faults"), "must be at least 1", std::to_string(max_faults)));
  }

  const std::string weights_path = join_key(path, "weights");
  for (const auto& [name, weight] : weights) {
    const auto& names = fault_names();
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      throw std::invalid_argument(core::config_error(
          weights_path + "." + name, "unknown fault name (valid names: " + valid_names_list() + ")",
          format_number(weight)));
    }
    if (!(weight >= 0.0) || !std::isfinite(weight)) {
      throw std::invalid_argument(
          core::config_error(weights_path + "." + name, "must be a finite number >= 0", format_number(weight)));
    }
  }

  const bool any_positive = std::any_of(kinds().begin(), kinds().end(), [&](const FaultKind& kind) {
    return effective_weight(*this, kind) > 0.0;
  });
  if (!any_positive) {
    throw std::invalid_argument(
        core::config_error(weights_path, "at least one weight must be positive", "all zero"));
  }
}

const std::vector<std::string>& fault_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> list;
    for (const FaultKind& kind : kinds()) list.push_back(kind.name);
    return list;
  }();
  return names;
}

FaultModel::FaultModel(FaultConfig config) : config_(std::move(config)) { config_.validate(); }

CorruptedOutput FaultModel::corrupt(const Record& record, std::mt19937_64& rng) const {
  if (!record.gold) {
    throw std::invalid_argument("record '" + record.id +
                                "': field 'gold': missing, but the fault model needs gold calls to corrupt");
  }
  const std::string clean = render_canonical(*record.gold);
  if (draw_unit(rng) < config_.clean_rate) return {clean, {}};

  const std::size_t count = 1 + draw_index(rng, static_cast<std::size_t>(config_.max_faults));
  const std::vector<std::size_t> order = weighted_order(config_, rng);
  CorruptedOutput out = apply_kinds(choose_kinds(order, count, record, clean, rng), record, clean, rng);

  // Kinds that applied alone can still fail together (a comma dropped by
  // Python syntax before missing_comma runs); fall back to one kind.
  for (std::size_t i = 0; out.faults.empty() && i < order.size(); ++i) {
    out = apply_kinds({order[i]}, record, clean, rng);
  }
  // NOTE: when no enabled kind applies to the record (possible only with a
  // narrow custom weight set), the output stays clean and unlabelled.
  if (out.faults.empty()) return {clean, {}};
  return out;
}

}  // namespace trm::tasks::function_call
