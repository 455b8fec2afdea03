#include "trm/eval/html_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

namespace trm::eval {
namespace {

std::string escape_html(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// The member `key` of `object`, or null when `object` is not an object or lacks it.
const json& member(const json& object, const std::string& key) {
  static const json kNull;
  if (!object.is_object()) return kNull;
  const auto found = object.find(key);
  return found != object.end() ? *found : kNull;
}

// The string at `key`, or "" when it is absent or not a string.
std::string text_at(const json& object, const std::string& key) {
  const json& value = member(object, key);
  return value.is_string() ? value.get<std::string>() : "";
}

std::string percent(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.1f%%", 100.0 * value);
  return buffer;
}

// `{"count", "total", "rate"}` as "12.5% (3/24)", or "-" without a total.
std::string rate_cell(const json& metric) {
  if (!metric.is_object() || !member(metric, "total").is_number() || metric["total"].get<int>() == 0 ||
      !member(metric, "rate").is_number()) {
    return "-";
  }
  return percent(metric["rate"].get<double>()) + " (" + std::to_string(metric["count"].get<int>()) + "/" +
         std::to_string(metric["total"].get<int>()) + ")";
}

// The trace grouped by input line: step -> output, in step order.
std::map<int64_t, std::map<int, const json*>> group_trace(const std::vector<json>& trace) {
  std::map<int64_t, std::map<int, const json*>> by_line;
  for (const auto& entry : trace) {
    if (!entry.is_object() || !entry.contains("line") || !entry.contains("step")) continue;
    by_line[entry["line"].get<int64_t>()][entry["step"].get<int>()] = &entry;
  }
  return by_line;
}

// A line chart of up to two series over steps, values in [0, 1].
std::string svg_curve(const std::vector<StepPoint>& points) {
  const int width = 480, height = 200, left = 40, bottom = 24, top = 10;
  const int plot_w = width - left - 10, plot_h = height - bottom - top;
  const std::size_t n = points.size();
  auto x_of = [&](std::size_t i) { return left + (n > 1 ? plot_w * static_cast<double>(i) / (n - 1) : plot_w / 2.0); };
  auto y_of = [&](double v) { return top + plot_h * (1.0 - v); };
  std::ostringstream out;
  out << "<svg width=\"" << width << "\" height=\"" << height << "\" role=\"img\" aria-label=\"accuracy by step\">";
  out << "<line x1=\"" << left << "\" y1=\"" << top + plot_h << "\" x2=\"" << left + plot_w << "\" y2=\"" << top + plot_h
      << "\" stroke=\"#888\"/>";
  for (double v : {0.0, 0.5, 1.0}) {
    out << "<text x=\"2\" y=\"" << y_of(v) + 4 << "\" font-size=\"10\">" << percent(v) << "</text>";
  }
  const auto series = [&](const char* colour, auto value) {
    out << "<polyline fill=\"none\" stroke=\"" << colour << "\" stroke-width=\"2\" points=\"";
    for (std::size_t i = 0; i < n; ++i) out << x_of(i) << "," << y_of(value(points[i])) << " ";
    out << "\"/>";
  };
  series("#1f77b4", [](const StepPoint& p) { return p.records ? static_cast<double>(p.schema_ok) / p.records : 0.0; });
  series("#d62728", [](const StepPoint& p) {
    return p.acceptable_total ? static_cast<double>(p.acceptable) / p.acceptable_total : 0.0;
  });
  for (std::size_t i = 0; i < n; ++i) {
    out << "<text x=\"" << x_of(i) - 3 << "\" y=\"" << height - 6 << "\" font-size=\"10\">" << points[i].step
        << "</text>";
  }
  out << "</svg>";
  return out.str();
}

std::string svg_histogram(const json& histogram) {
  int largest = 1;
  for (const auto& item : histogram.items()) largest = std::max(largest, item.value().get<int>());
  const int bar = 28, height = 140;
  std::ostringstream out;
  out << "<svg width=\"" << std::max<std::size_t>(1, histogram.size()) * (bar + 6) + 10 << "\" height=\"" << height + 20
      << "\" role=\"img\" aria-label=\"steps histogram\">";
  int i = 0;
  for (const auto& item : histogram.items()) {
    const int h = static_cast<int>(height * item.value().get<double>() / largest);
    out << "<rect x=\"" << 5 + i * (bar + 6) << "\" y=\"" << height - h << "\" width=\"" << bar << "\" height=\"" << h
        << "\" fill=\"#1f77b4\"/><text x=\"" << 5 + i * (bar + 6) + 8 << "\" y=\"" << height + 14
        << "\" font-size=\"10\">" << escape_html(item.key()) << "</text>";
    ++i;
  }
  out << "</svg>";
  return out.str();
}

// Record data for the step viewer: JSON made safe to embed in a script element.
std::string records_json(const std::vector<json>& refine_lines, const std::vector<json>& trace) {
  const auto by_line = group_trace(trace);
  json records = json::array();
  for (const auto& line : refine_lines) {
    if (!line.is_object() || !line.contains("line")) continue;
    const auto found = by_line.find(line["line"].get<int64_t>());
    if (found == by_line.end()) continue;
    json steps = json::array();
    for (const auto& [step, entry] : found->second) {
      steps.push_back({{"step", step},
                       {"output", text_at(*entry, "output")},
                       {"valid", member(*entry, "valid").is_boolean() && (*entry)["valid"].get<bool>()},
                       {"halt_probability", member(*entry, "halt_probability").is_number() ? (*entry)["halt_probability"].get<double>() : 0.0}});
    }
    records.push_back({{"line", line["line"]},
                       {"id", member(line, "id").is_string() ? text_at(line, "id") : member(line, "id").dump()},
                       {"base", text_at(line, "base_output")},
                       {"refined", text_at(line, "refined_output")},
                       {"stop_reason", text_at(line, "stop_reason")},
                       {"steps", steps}});
  }
  std::string text = records.dump(-1, ' ', false, json::error_handler_t::replace);
  // "</" would end the script element early.
  std::string safe;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += text[i];
    }
  }
  return safe;
}

const char* kStyle = R"(body{font-family:sans-serif;margin:2em;max-width:1100px}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;
padding:6px;margin:4px 0}mark{background:#ffd54f}.legend span{margin-right:1em}.valid{color:#2e7d32}.invalid{color:#c62828})";

const char* kScript = R"(function diff(prev, next) {
  let start = 0;
  while (start < prev.length && start < next.length && prev[start] === next[start]) start++;
  let end = 0;
  while (end < prev.length - start && end < next.length - start &&
         prev[prev.length - 1 - end] === next[next.length - 1 - end]) end++;
  const esc = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const changed = next.slice(start, next.length - end);
  return esc(next.slice(0, start)) + (changed ? '<mark>' + esc(changed) + '</mark>' : '') +
         esc(next.slice(next.length - end));
}
function show(index) {
  const record = RECORDS[index];
  const view = document.getElementById('record-view');
  if (!record) { view.textContent = 'No traced records.'; return; }
  let html = '<p>line ' + record.line + ', stop reason ' + record.stop_reason + '</p><h4>base output</h4><pre>' +
             diff(record.base, record.base) + '</pre>';
  let prev = record.base;
  for (const step of record.steps) {
    html += '<h4 class="' + (step.valid ? 'valid' : 'invalid') + '">step ' + step.step + ': ' +
            (step.valid ? 'valid' : 'invalid') + ', halt probability ' + step.halt_probability.toFixed(3) +
            '</h4><pre class="step">' + diff(prev, step.output) + '</pre>';
    prev = step.output;
  }
  html += '<h4>returned</h4><pre id="returned">' + diff(prev, record.refined) + '</pre>';
  view.innerHTML = html;
}
const RECORDS = JSON.parse(document.getElementById('records-data').textContent);
const select = document.getElementById('record-select');
RECORDS.forEach((r, i) => { const o = document.createElement('option'); o.value = i; o.textContent = r.id + ' (line ' + r.line + ')'; select.appendChild(o); });
select.addEventListener('change', () => show(Number(select.value)));
show(0);
document.body.dataset.ready = '1';)";

}  // namespace

std::vector<StepPoint> step_curve(const std::vector<json>& refine_lines, const std::vector<json>& trace) {
  const auto by_line = group_trace(trace);
  int max_step = 0;
  for (const auto& [line, steps] : by_line) max_step = std::max(max_step, steps.rbegin()->first);

  std::vector<StepPoint> points;
  for (int k = 1; k <= max_step; ++k) {
    StepPoint point;
    point.step = k;
    for (const auto& line : refine_lines) {
      if (!line.is_object() || !line.contains("line")) continue;
      const auto found = by_line.find(line["line"].get<int64_t>());
      if (found == by_line.end()) continue;
      // The output after step min(k, last step).
      const json* entry = nullptr;
      for (const auto& [step, value] : found->second) {
        if (step <= k) entry = value;
      }
      if (entry == nullptr) continue;
      json at_step = line;
      at_step["refined_output"] = text_at(*entry, "output");
      const RecordEval checked = evaluate_record(at_step);
      if (!checked.error.empty()) continue;
      ++point.records;
      point.running += found->second.rbegin()->first > k;
      point.schema_ok += checked.refined.schema_ok;
      if (checked.refined.acceptable) {
        ++point.acceptable_total;
        point.acceptable += *checked.refined.acceptable;
      }
    }
    points.push_back(point);
  }
  return points;
}

std::string render_html_report(const json& eval_report, const std::vector<json>& refine_lines,
                               const std::vector<json>& trace) {
  const json& overall = member(eval_report, "overall");
  std::ostringstream out;
  out << "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>trm refinement report</title><style>"
      << kStyle << "</style></head><body><h1>trm refinement report</h1>";

  // 1. base vs refined
  out << "<h2>Base vs refined</h2><p>" << member(overall, "records").dump() << " records, " << member(overall, "errors").dump()
      << " errors</p><table id=\"overall\"><tr><th>metric</th><th>base</th><th>refined</th></tr>";
  for (const char* metric : {"json_ok", "shape_ok", "schema_ok", "exact", "acceptable"}) {
    out << "<tr><td>" << metric << "</td>";
    for (const char* side : {"base", "refined"}) {
      out << "<td id=\"overall-" << side << "-" << metric << "\">"
          << rate_cell(member(member(overall, side), metric)) << "</td>";
    }
    out << "</tr>";
  }
  out << "</table>";

  // 2. accuracy and validity by step budget
  const auto points = step_curve(refine_lines, trace);
  out << "<h2>Accuracy by refinement steps</h2>";
  if (points.empty()) {
    out << "<p>No trace given (run <code>trm refine --trace</code>).</p>";
  } else {
    out << "<p class=\"legend\"><span style=\"color:#1f77b4\">schema valid</span><span style=\"color:#d62728\">BFCL "
           "acceptable</span> (each record answers after step k, or where it stopped)</p>"
        << svg_curve(points)
        << "<table id=\"curve\"><tr><th>step budget</th><th>schema valid</th><th>BFCL acceptable</th><th>still "
           "running</th></tr>";
    for (const auto& p : points) {
      out << "<tr id=\"curve-step-" << p.step << "\"><td>" << p.step << "</td><td class=\"schema\">"
          << (p.records ? percent(static_cast<double>(p.schema_ok) / p.records) : "-") << "</td><td class=\"acceptable\">"
          << (p.acceptable_total ? percent(static_cast<double>(p.acceptable) / p.acceptable_total) : "-")
          << "</td><td>" << p.running << "</td></tr>";
    }
    out << "</table>";
  }

  // 3. steps histogram
  const json histogram = member(overall, "step_histogram").is_object() ? member(overall, "step_histogram") : json::object();
  out << "<h2>Steps per record</h2>" << svg_histogram(histogram)
      << "<table id=\"histogram\"><tr><th>steps</th><th>records</th></tr>";
  for (const auto& item : histogram.items()) {
    out << "<tr><td>" << escape_html(item.key()) << "</td><td>" << item.value().get<int>() << "</td></tr>";
  }
  out << "</table>";

  // 4. by fault type
  out << "<h2>By fault type</h2><table id=\"faults\"><tr><th>fault</th><th>records</th><th>base schema "
         "valid</th><th>refined schema valid</th><th>base acceptable</th><th>refined acceptable</th></tr>";
  const json by_fault = member(eval_report, "by_fault").is_object() ? member(eval_report, "by_fault") : json::object();
  for (const auto& item : by_fault.items()) {
    const json& aggregate = item.value();
    out << "<tr><td>" << escape_html(item.key()) << "</td><td>" << member(aggregate, "records").dump() << "</td>";
    for (const char* metric : {"schema_ok", "acceptable"}) {
      for (const char* side : {"base", "refined"}) {
        out << "<td>" << rate_cell(member(member(aggregate, side), metric)) << "</td>";
      }
    }
    out << "</tr>";
  }
  out << "</table>";

  // 5. one record, step by step
  out << "<h2>One record, step by step</h2><p>Changed characters against the previous output are highlighted.</p>"
      << "<select id=\"record-select\"></select><div id=\"record-view\"></div>"
      << "<script id=\"records-data\" type=\"application/json\">" << records_json(refine_lines, trace) << "</script>"
      << "<script>" << kScript << "</script></body></html>\n";
  return out.str();
}

}  // namespace trm::eval
