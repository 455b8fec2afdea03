#pragma once
// The function-call task: how a record becomes a fixed-length token sequence
// for the model and how the model's output region becomes text again.
//
// Layout of the L = context_len + output_len tokens, one byte per token:
//   [0, context_len)   tool signatures, SEP, the query; PAD after
//   [context_len, L)   the base output as the model sees it; PAD after
// Labels are ignored in the context region; in the output region they hold
// the canonical gold rendering, one EOS, then ignored positions.

#include "trm/core/config.h"
#include "trm/tasks/function_call/faults.h"
#include "trm/tasks/function_call/record.h"
#include "trm/tasks/task.h"

#include <optional>
#include <string>
#include <vector>

namespace trm::tasks::function_call {

/// Byte-level token ids: three specials, then the 256 byte values.
struct ByteTokens {
  static constexpr int32_t kPad = 0;
  static constexpr int32_t kEos = 1;
  static constexpr int32_t kSep = 2;
  static constexpr int32_t kFirstByte = 3;
  static constexpr int kVocabSize = 259;

  static int32_t encode(unsigned char byte) { return kFirstByte + byte; }
};

/// Compact one-line-per-tool signatures, e.g.
/// `get_weather(city:string,unit?:string{celsius|fahrenheit})`. Optional
/// parameters carry `?`; enums list their values; arrays show their item type.
std::string render_tool_signatures(const json& tools);

/// The text placed in the output region for a base output: the canonical
/// rendering of the leniently parsed calls when `lenient` is set and the
/// parser recovers calls, else the raw text.
std::string model_input_text(const std::string& base_output, bool lenient);

/// A record turned into an example, or the reason it does not fit.
struct EncodedRecord {
  Example example;
  /// Empty when the record fits; else why not (`context is 700 tokens, limit 512`).
  std::string not_fit_reason;
  bool fits() const { return not_fit_reason.empty(); }
};

/// Encodes and decodes function-call records for a given layout.
class FunctionCallCodec {
 public:
  FunctionCallCodec(int context_len, int output_len, bool lenient_input);

  int seq_len() const { return context_len_ + output_len_; }
  int context_len() const { return context_len_; }
  int output_len() const { return output_len_; }

  /// Encodes `record` with `base_output` in the output region. Labels come
  /// from record.gold when present (else all ignored).
  EncodedRecord encode(const Record& record, const std::string& base_output) const;

  /// The text of the output region of a predicted token sequence ([L] ids):
  /// bytes up to the first EOS or PAD; special ids elsewhere are dropped.
  std::string decode_output(const std::vector<int32_t>& tokens) const;

 private:
  int context_len_;
  int output_len_;
  bool lenient_input_;
};

/// Reads records from JSONL files or glob patterns; `default` stands for the
/// embedded default data. Keeps records whose `split` equals `split` (empty =
/// all). Throws std::invalid_argument naming `path:line` and the field for a
/// bad record, std::runtime_error for a missing file or a pattern without match.
std::vector<Record> load_records(const std::vector<std::string>& sources, const std::string& split);

/// Applies the fault model to every record with gold, in order, from one
/// generator seeded with `seed`; fills `base_output` and `faults`.
std::vector<Record> corrupt_records(std::vector<Record> records, const FaultModel& faults, std::uint64_t seed);

/// The function-call task behind the Task interface.
class FunctionCallTask : public Task {
 public:
  /// Loads training and dev records from the sources in `data`. Training records need gold.
  FunctionCallTask(const core::TaskConfig& task, const core::DataConfig& data);

  std::string name() const override { return "function_call"; }
  int vocab_size() const override { return ByteTokens::kVocabSize; }
  int seq_len() const override { return codec_.seq_len(); }
  std::size_t num_train() const override { return train_.size(); }
  Example train_example(std::size_t index, std::mt19937_64& rng) const override;
  const std::vector<Example>& dev_examples() const override { return dev_; }
  std::string describe_prediction(const std::vector<int32_t>& tokens) const override;

  const FunctionCallCodec& codec() const { return codec_; }
  /// Training records whose gold did not fit the output region or whose context was too long.
  std::size_t train_not_fit() const { return train_not_fit_; }
  std::size_t dev_not_fit() const { return dev_not_fit_; }

 private:
  FunctionCallCodec codec_;
  FaultModel faults_;
  bool simulate_faults_;
  std::vector<Record> train_;
  std::vector<Example> dev_;
  std::size_t train_not_fit_ = 0;
  std::size_t dev_not_fit_ = 0;
};

}  // namespace trm::tasks::function_call
