#pragma once
// Format-validity evaluation of refinement outputs: per-record checks of the
// base and the refined output, aggregates, breakdowns, and the JSON and
// Markdown reports of `trm eval`. Every check judges the strict reading of an
// output (a whole-string JSON parse, as a production consumer does with
// `json.loads`), never the lenient one. docs/formats.md describes the input
// lines and the report JSON.

#include "trm/tasks/function_call/schema.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace trm::eval {

using json = nlohmann::json;

/// Checks of one output string (base or refined) against its record.
struct OutputChecks {
  /// Strict JSON parse of the whole string.
  bool json_ok = false;
  /// Strict call-list shape (`[{"name": str, "arguments": object}, ...]`).
  bool shape_ok = false;
  /// Shape ok and no schema issue against the record's tools.
  bool schema_ok = false;
  /// Calls equal the gold calls (order-insensitive for parallel categories);
  /// nullopt when the record has no gold.
  std::optional<bool> exact;
  /// BFCL acceptable match; nullopt when the record has no `acceptable`.
  std::optional<bool> acceptable;
  /// Schema issues found; empty when schema_ok or when the shape is not ok
  /// (the schema is only checked on a valid call list).
  std::vector<tasks::function_call::SchemaIssue> schema_issues;
  /// Schema keywords that applied but were not checked (`$ref at calls[0].arguments.x`).
  /// schema_ok is then true only as far as the check went.
  std::vector<std::string> schema_not_checked;

  /// The checks as JSON (structure in docs/formats.md).
  json to_json() const;
};

/// Evaluation of one line of a `trm refine` output file.
struct RecordEval {
  /// Record id; empty when the line has none.
  std::string id;
  /// BFCL category; empty when the line has none.
  std::string category;
  /// Fault labels of the base output; empty for clean and real outputs.
  std::vector<std::string> faults;
  /// 1-based line number in the refine output file; 0 when not read from a file.
  std::size_t line = 0;
  /// Checks of `base_output`.
  OutputChecks base;
  /// Checks of `refined_output`.
  OutputChecks refined;
  /// Refinement steps taken.
  int steps = 0;
  /// Reason refinement stopped (`halted`, `max_steps`, `passthrough`, `not_fit`, ...).
  std::string stop_reason;
  /// Wall time spent on the record, in milliseconds.
  double ms = 0.0;
  /// Error message, set when the refine line carried an `error` field or could
  /// not be evaluated. Such records count as `errors` and are left out of the rates.
  std::string error;

  /// The record as JSON: an element of the report's `records` array
  /// (structure in docs/formats.md).
  json to_json() const;
};

/// Evaluates one refine output line (see docs/formats.md). Never throws for a
/// malformed line: the problem is stored in `error`.
RecordEval evaluate_record(const json& line);

/// Aggregate counts and rates of a set of records.
struct Aggregate {
  /// All records, error records included.
  int records = 0;
  /// Records with `error` set.
  int errors = 0;
  /// Rates over records without error, for base and refined: an object with
  /// the keys json_ok, shape_ok, schema_ok, exact and acceptable, each
  /// `{"count": int, "total": int, "rate": number or null}`. The totals of
  /// exact and acceptable count only the records that have gold / acceptable;
  /// `rate` is null when `total` is 0.
  json base;
  json refined;
  /// Invalid base (schema_ok false) made valid by refinement, and the reverse.
  int fixed = 0;
  int broken = 0;
  /// Base not BFCL-acceptable made acceptable by refinement, and the reverse
  /// (records with `acceptable` only).
  int acceptable_fixed = 0;
  int acceptable_broken = 0;
  /// Mean refinement steps over records without error.
  /// Mean refinement steps over the records with at least one step.
  double mean_steps = 0.0;
  /// Records with at least one refinement step (the model ran on them).
  int stepped = 0;
  /// Step count to number of records (records without error).
  std::map<int, int> step_histogram;
  /// Stop reason to number of records (records without error).
  std::map<std::string, int> stop_reasons;
  /// Mean of `ms` over records without error.
  double ms_per_record = 0.0;

  /// Records without error: the population of every rate and mean above.
  int evaluated() const { return records - errors; }
  /// The aggregate as JSON (structure in docs/formats.md).
  json to_json() const;
};

/// The whole report: overall, by fault label, and by category.
struct Report {
  /// All records.
  Aggregate overall;
  /// Per fault label; a record with several labels counts under each, and a
  /// record without labels counts under `clean`.
  std::map<std::string, Aggregate> by_fault;
  /// Per category; records without a category count under `(none)`.
  std::map<std::string, Aggregate> by_category;
  /// Every record, in input order.
  std::vector<RecordEval> records;

  /// Renders `{"overall", "by_fault", "by_category", "records"}` (structure in docs/formats.md).
  json to_json() const;
  /// Markdown with the base-vs-refined table and the breakdowns.
  std::string to_markdown() const;
};

/// Label under which records without fault labels are counted in `by_fault`.
inline constexpr const char* kCleanLabel = "clean";
/// Key under which records without a category are counted in `by_category`.
inline constexpr const char* kNoCategory = "(none)";

/// Returns whether BFCL judges a category without regard to call order: the
/// categories starting with `parallel` or `live_parallel`.
bool is_order_insensitive(const std::string& category);

/// Builds the report from evaluated records.
Report build_report(std::vector<RecordEval> records);

/// Reads a `trm refine` output file and builds its report. A line that is not
/// valid JSON becomes an error record. Throws std::runtime_error when the file
/// cannot be opened.
Report evaluate_file(const std::string& path);

}  // namespace trm::eval
