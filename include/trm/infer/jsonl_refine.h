#pragma once
// `trm refine` for function-call records: reads a JSONL file of base-model
// outputs, refines them in batches and writes one output line per input
// line, in input order, error lines included.

#include "trm/infer/refiner.h"
#include "trm/model/checkpoint.h"

#include <string>

namespace trm::infer {

/// Source of the refined outputs.
enum class RefineMode {
  /// The trained model.
  kModel,
  /// No model: the base output unchanged, through the same reading and writing path.
  kPassthrough,
  /// No model: the lenient parser's canonical rendering when it recovers calls, else the base output.
  kLenient,
};

/// Policy for a record whose base output already validates.
enum class ValidBasePolicy {
  /// Refine it, but return the refined output only if it validates too (with
  /// constrained decoding: only if the unconstrained output already validates).
  kAcceptValid,
  /// Return the base output unchanged without running the model.
  kKeep,
};

/// Options of a JSONL refinement run.
struct JsonlRefineOptions {
  std::string input_path;
  std::string output_path;
  RefineMode mode = RefineMode::kModel;
  RefineOptions refine;
  ValidBasePolicy valid_base = ValidBasePolicy::kAcceptValid;
  /// When set, one JSONL line per record and step: the decoded output, its
  /// validity and the halting probability.
  std::string trace_path;
  /// Decode the final step under the record's schema (CallGrammar) instead of by argmax.
  bool constrained = false;
  /// Beams of the constrained decoder.
  int beam_width = 4;
};

/// Counts of a JSONL refinement run.
struct JsonlRefineSummary {
  int64_t lines = 0;
  /// Records the model refined.
  int64_t refined = 0;
  /// Records passed through because they do not fit the model's layout.
  int64_t not_fit = 0;
  /// Lines that could not be read or processed (they carry an `error` field).
  int64_t errors = 0;
  /// Valid base outputs returned unchanged because the refined output did not validate.
  int64_t reverted = 0;
  /// Valid base outputs kept without running the model (ValidBasePolicy::kKeep).
  int64_t kept_valid = 0;
  /// With constrained decoding: records whose output validates by construction
  /// (argmax already valid, or decoded under the schema), and records left to
  /// argmax decoding (schema not supported, or no valid text fits).
  int64_t constrained = 0;
  int64_t unconstrained = 0;
  int64_t steps = 0;
  double wall_ms = 0.0;
};

/// Runs the refinement. `model` is required for RefineMode::kModel and
/// ignored otherwise. Throws std::runtime_error when the input cannot be
/// opened or the output cannot be written. Bad lines never throw.
JsonlRefineSummary refine_jsonl(const JsonlRefineOptions& options, model::LoadedModel* model,
                                const torch::Device& device);

}  // namespace trm::infer
