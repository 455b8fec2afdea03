// Aggregation of evaluated records into the `trm eval` report, and its JSON
// form. The Markdown form is in markdown.cpp.

#include "trm/eval/report.h"

#include <set>
#include <utility>

namespace trm::eval {

namespace {

// Version of the report JSON structure; raise it when a field changes meaning
// or disappears.
constexpr int kReportVersion = 1;

json optional_to_json(const std::optional<bool>& value) {
  return value ? json(*value) : json(nullptr);
}

struct RateCount {
  int count = 0;
  int total = 0;

  void add(bool ok) {
    ++total;
    if (ok) ++count;
  }

  json to_json() const {
    const json rate = total > 0 ? json(static_cast<double>(count) / total) : json(nullptr);
    return {{"count", count}, {"total", total}, {"rate", rate}};
  }
};

// Counts of one side (base or refined) of a set of records.
struct OutputTally {
  RateCount json_ok;
  RateCount shape_ok;
  RateCount schema_ok;
  // Shape-ok outputs whose schema check skipped a keyword it does not check.
  RateCount schema_not_checked;
  RateCount exact;
  RateCount acceptable;

  void add(const OutputChecks& checks) {
    json_ok.add(checks.json_ok);
    shape_ok.add(checks.shape_ok);
    schema_ok.add(checks.schema_ok);
    if (checks.shape_ok) schema_not_checked.add(!checks.schema_not_checked.empty());
    if (checks.exact) exact.add(*checks.exact);
    if (checks.acceptable) acceptable.add(*checks.acceptable);
  }

  json to_json() const {
    return {{"json_ok", json_ok.to_json()},
            {"shape_ok", shape_ok.to_json()},
            {"schema_ok", schema_ok.to_json()},
            {"schema_not_checked", schema_not_checked.to_json()},
            {"exact", exact.to_json()},
            {"acceptable", acceptable.to_json()}};
  }
};

class AggregateBuilder {
 public:
  void add(const RecordEval& record) {
    ++aggregate_.records;
    if (!record.error.empty()) {
      ++aggregate_.errors;
      return;
    }

    base_.add(record.base);
    refined_.add(record.refined);
    count_transitions(record);

    ++aggregate_.step_histogram[record.steps];
    ++aggregate_.stop_reasons[record.stop_reason];
    if (record.steps > 0) {
      steps_sum_ += record.steps;
      ++stepped_;
    }
    ms_sum_ += record.ms;
  }

  Aggregate finish() const {
    Aggregate result = aggregate_;
    result.base = base_.to_json();
    result.refined = refined_.to_json();
    const int evaluated = result.evaluated();
    if (evaluated > 0) {
      result.ms_per_record = ms_sum_ / evaluated;
    }
    if (stepped_ > 0) {
      result.mean_steps = steps_sum_ / stepped_;
      result.stepped = stepped_;
    }
    return result;
  }

 private:
  void count_transitions(const RecordEval& record) {
    if (!record.base.schema_ok && record.refined.schema_ok) ++aggregate_.fixed;
    if (record.base.schema_ok && !record.refined.schema_ok) ++aggregate_.broken;

    if (record.base.acceptable && record.refined.acceptable) {
      if (!*record.base.acceptable && *record.refined.acceptable) ++aggregate_.acceptable_fixed;
      if (*record.base.acceptable && !*record.refined.acceptable) ++aggregate_.acceptable_broken;
    }
  }

  Aggregate aggregate_;
  OutputTally base_;
  OutputTally refined_;
  double steps_sum_ = 0.0;
  int stepped_ = 0;
  double ms_sum_ = 0.0;
};

json aggregates_to_json(const std::map<std::string, Aggregate>& aggregates) {
  json result = json::object();
  for (const auto& [key, aggregate] : aggregates) result[key] = aggregate.to_json();
  return result;
}

}  // namespace

json OutputChecks::to_json() const {
  json issues = json::array();
  for (const auto& issue : schema_issues) {
    issues.push_back({{"kind", issue.kind}, {"path", issue.path}, {"message", issue.message}});
  }
  return {{"json_ok", json_ok},
          {"shape_ok", shape_ok},
          {"schema_ok", schema_ok},
          {"exact", optional_to_json(exact)},
          {"acceptable", optional_to_json(acceptable)},
          {"schema_issues", issues},
          {"schema_not_checked", schema_not_checked}};
}

json RecordEval::to_json() const {
  json result = {{"line", line},
                 {"id", id},
                 {"category", category},
                 {"faults", faults},
                 {"steps", steps},
                 {"stop_reason", stop_reason},
                 {"ms", ms}};

  // The checks of an error record were never computed, so they are null
  // rather than a row of misleading `false`s.
  if (error.empty()) {
    result["base"] = base.to_json();
    result["refined"] = refined.to_json();
    result["error"] = nullptr;
  } else {
    result["base"] = nullptr;
    result["refined"] = nullptr;
    result["error"] = error;
  }
  return result;
}

json Aggregate::to_json() const {
  json histogram = json::object();
  for (const auto& [steps, count] : step_histogram) histogram[std::to_string(steps)] = count;

  return {{"records", records},
          {"errors", errors},
          {"evaluated", evaluated()},
          {"base", base},
          {"refined", refined},
          {"fixed", fixed},
          {"broken", broken},
          {"acceptable_fixed", acceptable_fixed},
          {"acceptable_broken", acceptable_broken},
          {"mean_steps", mean_steps},
          {"stepped", stepped},
          {"step_histogram", histogram},
          {"stop_reasons", stop_reasons},
          {"ms_per_record", ms_per_record}};
}

json Report::to_json() const {
  json record_list = json::array();
  for (const RecordEval& record : records) record_list.push_back(record.to_json());

  return {{"version", kReportVersion},
          {"overall", overall.to_json()},
          {"by_fault", aggregates_to_json(by_fault)},
          {"by_category", aggregates_to_json(by_category)},
          {"records", record_list}};
}

Report build_report(std::vector<RecordEval> records) {
  AggregateBuilder overall;
  std::map<std::string, AggregateBuilder> by_fault;
  std::map<std::string, AggregateBuilder> by_category;

  for (const RecordEval& record : records) {
    overall.add(record);

    // A set, so that a label listed twice on one record counts it once.
    std::set<std::string> labels(record.faults.begin(), record.faults.end());
    if (labels.empty()) labels.insert(kCleanLabel);
    for (const std::string& label : labels) by_fault[label].add(record);

    by_category[record.category.empty() ? kNoCategory : record.category].add(record);
  }

  Report report;
  report.overall = overall.finish();
  for (const auto& [label, builder] : by_fault) report.by_fault[label] = builder.finish();
  for (const auto& [category, builder] : by_category) report.by_category[category] = builder.finish();
  report.records = std::move(records);
  return report;
}

}  // namespace trm::eval
