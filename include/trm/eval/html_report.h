#pragma once
// `trm report`: one self-contained HTML page from an eval report, the refine
// output it was made from, and the refine trace. The page needs no network:
// styles, charts (inline SVG), data and script are all inside it.

#include "trm/eval/report.h"

#include <string>
#include <vector>

namespace trm::eval {

/// Accuracy of the traced records when each returns its output after step k
/// (or after the step where it stopped, if earlier).
struct StepPoint {
  int step = 0;
  /// Traced records, and those of them still running after step k.
  int records = 0;
  int running = 0;
  int schema_ok = 0;
  /// Records with `acceptable`, and how many of them are acceptable.
  int acceptable_total = 0;
  int acceptable = 0;
};

/// Computes the points k = 1..max step from the refine output lines and the
/// trace lines (`{"line", "step", "output", ...}`).
std::vector<StepPoint> step_curve(const std::vector<json>& refine_lines, const std::vector<json>& trace);

/// Renders the page. `eval_report` is the JSON of `trm eval --report`.
std::string render_html_report(const json& eval_report, const std::vector<json>& refine_lines,
                               const std::vector<json>& trace);

}  // namespace trm::eval
