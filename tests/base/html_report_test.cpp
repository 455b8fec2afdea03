// The HTML report, loaded in headless Chromium (Debian package chromium):
// the page must render offline and show the numbers it was given.

#include "trm/eval/html_report.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const char* kTools = R"([{"name": "get_weather", "parameters": {"type": "dict",
    "properties": {"city": {"type": "string"}}, "required": ["city"]}}])";

// Two refine lines: the first repaired at step 2, the second still wrong.
std::vector<json> refine_lines() {
  json first = {{"line", 1}, {"id", "a"}, {"query", "q"}, {"tools", json::parse(kTools)},
                {"base_output", R"([{"name":"get_weather","arguments":{"city":"Paris",}}])"},
                {"refined_output", R"([{"name":"get_weather","arguments":{"city":"Paris"}}])"},
                {"steps", 2}, {"stop_reason", "halted"}, {"faults", {"trailing_comma"}},
                {"acceptable", json::parse(R"([{"get_weather": {"city": ["Paris"]}}])")}};
  json second = first;
  second["line"] = 2;
  second["id"] = "b";
  second["refined_output"] = R"([{"name":"get_weather","arguments":{}}])";
  second["steps"] = 1;
  return {first, second};
}

std::vector<json> trace() {
  return {json{{"line", 1}, {"step", 1}, {"output", R"([{"name":"get_weather","arguments":{"city":"Pari"}}])"},
               {"valid", true}, {"halt_probability", 0.1}},
          json{{"line", 1}, {"step", 2}, {"output", R"([{"name":"get_weather","arguments":{"city":"Paris"}}])"},
               {"valid", true}, {"halt_probability", 0.9}},
          json{{"line", 2}, {"step", 1}, {"output", R"([{"name":"get_weather","arguments":{}}])"},
               {"valid", false}, {"halt_probability", 0.2}}};
}

std::string run_chromium(const std::string& html_path) {
  const std::string command =
      "chromium --headless --no-sandbox --disable-gpu --dump-dom 'file://" + html_path + "' 2>/dev/null";
  std::string dom;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return dom;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe) != nullptr) dom += buffer.data();
  pclose(pipe);
  return dom;
}

TEST(HtmlReportTest, StepCurveStopsAtBudgetOrStop) {
  const auto points = trm::eval::step_curve(refine_lines(), trace());
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].records, 2);
  EXPECT_EQ(points[0].running, 1);
  EXPECT_EQ(points[0].schema_ok, 1);  // "Pari" is a valid call, the empty arguments are not
  EXPECT_EQ(points[0].acceptable, 0);
  EXPECT_EQ(points[1].running, 0);
  EXPECT_EQ(points[1].acceptable, 1);
  EXPECT_EQ(points[1].acceptable_total, 2);
}

TEST(HtmlReportTest, RendersInHeadlessChromium) {
  ASSERT_EQ(std::system("command -v chromium > /dev/null"), 0)
      << "chromium not found: install the Debian package chromium (scripts/setup.sh does)";
  std::vector<trm::eval::RecordEval> records;
  for (const auto& line : refine_lines()) records.push_back(trm::eval::evaluate_record(line));
  const json eval_report = trm::eval::build_report(std::move(records)).to_json();

  const std::string path = (fs::temp_directory_path() / "trm_html_report_test.html").string();
  std::ofstream(path) << trm::eval::render_html_report(eval_report, refine_lines(), trace());
  const std::string dom = run_chromium(path);
  ASSERT_FALSE(dom.empty()) << "chromium printed no DOM";

  // The script ran (it marks the body) and rendered the first record's steps with highlights.
  EXPECT_NE(dom.find("data-ready=\"1\""), std::string::npos);
  EXPECT_NE(dom.find("<mark>s</mark>"), std::string::npos) << "step 2 adds the 's' of Paris";
  // The numbers: base vs refined, and the accuracy by step budget.
  EXPECT_NE(dom.find("id=\"overall-base-schema_ok\">0.0% (0/2)"), std::string::npos);
  EXPECT_NE(dom.find("id=\"overall-refined-schema_ok\">50.0% (1/2)"), std::string::npos);
  EXPECT_NE(dom.find("id=\"overall-refined-acceptable\">50.0% (1/2)"), std::string::npos);
  EXPECT_NE(dom.find("id=\"curve-step-2\"><td>2</td><td class=\"schema\">50.0%</td><td class=\"acceptable\">50.0%"),
            std::string::npos);
  EXPECT_NE(dom.find("<td>trailing_comma</td><td>2</td>"), std::string::npos);
  fs::remove(path);
}

}  // namespace
