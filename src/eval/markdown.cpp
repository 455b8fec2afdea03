// Markdown form of the `trm eval` report. Table columns are padded to a
// common width so that the output also reads well as plain text in a terminal.

#include "trm/eval/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace trm::eval {

namespace {

// Text alignment of a table column.
enum class Align { kLeft, kRight };

struct Table {
  std::vector<std::string> headers;
  std::vector<Align> aligns;
  std::vector<std::vector<std::string>> rows;
};

std::string pad(const std::string& text, std::size_t width, Align align) {
  if (text.size() >= width) return text;
  const std::string fill(width - text.size(), ' ');
  return align == Align::kLeft ? text + fill : fill + text;
}

std::string render_table(const Table& table) {
  // Three characters minimum, because a Markdown delimiter cell needs at least three dashes.
  std::vector<std::size_t> widths(table.headers.size(), 3);
  for (std::size_t c = 0; c < table.headers.size(); ++c) widths[c] = std::max(widths[c], table.headers[c].size());
  for (const auto& row : table.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }

  std::ostringstream out;
  auto write_row = [&](const std::vector<std::string>& cells) {
    out << '|';
    for (std::size_t c = 0; c < cells.size(); ++c) out << ' ' << pad(cells[c], widths[c], table.aligns[c]) << " |";
    out << '\n';
  };

  write_row(table.headers);
  out << '|';
  for (std::size_t c = 0; c < widths.size(); ++c) {
    const bool right = table.aligns[c] == Align::kRight;
    out << ' ' << std::string(right ? widths[c] - 1 : widths[c], '-') << (right ? ":" : "") << " |";
  }
  out << '\n';
  for (const auto& row : table.rows) write_row(row);
  return out.str();
}

std::string format_double(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

// The `{"count", "total", "rate"}` object of one metric, or null when the
// aggregate was never filled (a default-constructed Report).
json rate_of(const json& side, const char* metric) {
  if (!side.is_object() || !side.contains(metric)) return json();
  return side[metric];
}

int count_of(const json& rate) { return rate.is_object() ? rate.value("count", 0) : 0; }

int total_of(const json& rate) { return rate.is_object() ? rate.value("total", 0) : 0; }

// Percentage, or nullopt when the rate has no population.
std::optional<double> percent(const json& rate) {
  const int total = total_of(rate);
  if (total == 0) return std::nullopt;
  return 100.0 * count_of(rate) / total;
}

std::string format_percent(const json& rate) {
  const std::optional<double> value = percent(rate);
  return value ? format_double("%.1f%%", *value) : "-";
}

std::string format_rate_with_counts(const json& rate) {
  const std::string counts = " (" + std::to_string(count_of(rate)) + "/" + std::to_string(total_of(rate)) + ")";
  return format_percent(rate) + counts;
}

// Difference in percentage points, taken between the rounded percentages so
// that the three columns of a row agree with each other.
std::string format_delta(const json& base, const json& refined) {
  const std::optional<double> before = percent(base);
  const std::optional<double> after = percent(refined);
  if (!before || !after) return "-";

  double delta = std::round(*after * 10.0) / 10.0 - std::round(*before * 10.0) / 10.0;
  if (std::fabs(delta) < 0.05) delta = 0.0;  // no "-0.0"
  return format_double("%+.1f pp", delta);
}

std::string render_main_table(const Aggregate& overall) {
  static const std::vector<std::pair<const char*, const char*>> kMetrics = {
      {"json_ok", "JSON valid"},
      {"shape_ok", "call shape valid"},
      {"schema_ok", "schema valid"},
      {"exact", "exact match (gold)"},
      {"acceptable", "BFCL acceptable"},
  };

  Table table;
  table.headers = {"metric", "base", "refined", "delta"};
  table.aligns = {Align::kLeft, Align::kRight, Align::kRight, Align::kRight};
  for (const auto& [key, label] : kMetrics) {
    const json base = rate_of(overall.base, key);
    const json refined = rate_of(overall.refined, key);
    table.rows.push_back(
        {label, format_rate_with_counts(base), format_rate_with_counts(refined), format_delta(base, refined)});
  }
  return render_table(table);
}

std::string render_step_histogram(const std::map<int, int>& histogram) {
  if (histogram.empty()) return "-";
  std::string text;
  for (const auto& [steps, count] : histogram) {
    if (!text.empty()) text += ' ';
    text += std::to_string(steps) + ":" + std::to_string(count);
  }
  return text;
}

std::string render_stop_reasons(const std::map<std::string, int>& stop_reasons) {
  if (stop_reasons.empty()) return "-";
  std::string text;
  for (const auto& [reason, count] : stop_reasons) {
    if (!text.empty()) text += ", ";
    text += (reason.empty() ? std::string("(none)") : reason) + " " + std::to_string(count);
  }
  return text;
}

std::string render_summary_lines(const Aggregate& overall) {
  std::ostringstream out;
  out << "- fixed (schema-invalid base, schema-valid refined): " << overall.fixed << '\n';
  out << "- broken (schema-valid base, schema-invalid refined): " << overall.broken << '\n';
  out << "- acceptable fixed / broken: " << overall.acceptable_fixed << " / " << overall.acceptable_broken << '\n';
  out << "- steps: mean " << format_double("%.2f", overall.mean_steps) << " over the " << overall.stepped
      << " records refined by the model; histogram (steps:records) " << render_step_histogram(overall.step_histogram)
      << '\n';
  out << "- stop reasons: " << render_stop_reasons(overall.stop_reasons) << '\n';
  out << "- time: " << format_double("%.1f", overall.ms_per_record) << " ms/record (model time over all records)\n";
  return out.str();
}

std::string render_breakdown(const std::string& key_header, const std::map<std::string, Aggregate>& aggregates) {
  Table table;
  table.headers = {key_header,        "n",     "base schema-valid", "refined schema-valid", "base acceptable",
                   "refined acceptable", "fixed", "broken"};
  table.aligns = {Align::kLeft,  Align::kRight, Align::kRight, Align::kRight,
                  Align::kRight, Align::kRight, Align::kRight, Align::kRight};
  for (const auto& [key, aggregate] : aggregates) {
    table.rows.push_back({key, std::to_string(aggregate.evaluated()),
                          format_percent(rate_of(aggregate.base, "schema_ok")),
                          format_percent(rate_of(aggregate.refined, "schema_ok")),
                          format_percent(rate_of(aggregate.base, "acceptable")),
                          format_percent(rate_of(aggregate.refined, "acceptable")), std::to_string(aggregate.fixed),
                          std::to_string(aggregate.broken)});
  }
  return render_table(table);
}

}  // namespace

std::string Report::to_markdown() const {
  std::ostringstream out;
  out << "# Format-validity report\n\n";
  out << "Records: " << overall.records << ", evaluated: " << overall.evaluated() << ", errors: " << overall.errors
      << " (error records are left out of every rate).\n\n";

  out << render_main_table(overall) << '\n';
  out << render_summary_lines(overall) << '\n';

  out << "## By fault\n\n";
  out << "n counts records without error; a record with several faults counts under each.\n\n";
  out << render_breakdown("fault", by_fault) << '\n';

  out << "## By category\n\n";
  out << render_breakdown("category", by_category);
  return out.str();
}

}  // namespace trm::eval
