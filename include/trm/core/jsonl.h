#pragma once
// Line-oriented JSON files: reading with line numbers and per-line errors,
// and writing through a temporary file that is renamed into place.

#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace trm::core {

/// One line of a JSONL file. Exactly one of `value` and `error` is set.
struct JsonlLine {
  /// 1-based line number in the file.
  std::size_t line = 0;
  std::optional<nlohmann::json> value;
  /// Parse error of the line, e.g. `invalid JSON at byte 17: ...`.
  std::string error;
};

/// Reads a JSONL file line by line. Blank lines are skipped. A line that is
/// not valid JSON yields a JsonlLine with `error` set rather than throwing.
class JsonlReader {
 public:
  /// Throws std::runtime_error when the file cannot be opened.
  explicit JsonlReader(const std::string& path);

  /// Next non-blank line, or nullopt at end of file.
  std::optional<JsonlLine> next();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::ifstream in_;
  std::size_t line_ = 0;
};

/// Reads all lines of a JSONL file (see JsonlReader).
std::vector<JsonlLine> read_jsonl(const std::string& path);

/// Writes JSONL to `<path>.tmp` and renames it to `path` on commit(), so a
/// crash never leaves a half-written output under the final name.
class AtomicJsonlWriter {
 public:
  /// Throws std::runtime_error when the temporary file cannot be created.
  explicit AtomicJsonlWriter(const std::string& path);
  ~AtomicJsonlWriter();

  void write(const nlohmann::json& value);
  /// Flushes, closes and renames. Throws std::runtime_error on failure.
  void commit();

 private:
  std::string path_;
  std::string tmp_path_;
  std::ofstream out_;
  bool committed_ = false;
};

/// Writes `contents` to `path` atomically (temporary file, then rename).
void write_file_atomic(const std::string& path, const std::string& contents);

/// Reads a whole file. Throws std::runtime_error naming the path when it cannot.
std::string read_file(const std::string& path);

/// The files a path or glob pattern names, sorted. Throws std::runtime_error
/// when nothing matches.
std::vector<std::string> expand_pattern(const std::string& pattern);

}  // namespace trm::core
