#include "scidl/automl/leaderboard.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "scidl/data/csv.h"
#include "scidl/io/file_io.h"

namespace scidl::automl {
namespace {

std::vector<std::string> header(bool with_test) {
  std::vector<std::string> h = {"model"};
  if (with_test) h.push_back("score_test");
  h.insert(h.end(), {"score_val", "eval_metric"});
  if (with_test) h.push_back("pred_time_test");
  h.insert(h.end(), {"pred_time_val", "fit_time"});
  if (with_test) h.push_back("pred_time_test_marginal");
  h.insert(h.end(), {"pred_time_val_marginal", "fit_time_marginal", "stack_level", "can_infer",
                     "fit_order"});
  return h;
}

std::vector<std::string> cells(const LeaderboardRow& r, bool with_test, bool markdown) {
  auto num = [&](double v) { return markdown ? fmt::format("{:.6g}", v) : fmt::format("{}", v); };
  std::vector<std::string> c = {r.model};
  if (with_test) c.push_back(num(r.score_test));
  c.insert(c.end(), {num(r.score_val), r.eval_metric});
  if (with_test) c.push_back(num(r.pred_time_test));
  c.insert(c.end(), {num(r.pred_time_val), num(r.fit_time)});
  if (with_test) c.push_back(num(r.pred_time_test_marginal));
  c.insert(c.end(),
           {num(r.pred_time_val_marginal), num(r.fit_time_marginal), std::to_string(r.stack_level),
            r.can_infer ? "True" : "False", std::to_string(r.fit_order)});
  return c;
}

}  // namespace

void sort_leaderboard(std::vector<LeaderboardRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const LeaderboardRow& a, const LeaderboardRow& b) {
    const double sa = std::isnan(a.score_val) ? -INFINITY : a.score_val;
    const double sb = std::isnan(b.score_val) ? -INFINITY : b.score_val;
    return std::make_tuple(-sa, a.pred_time_val, b.model) <
           std::make_tuple(-sb, b.pred_time_val, a.model);
  });
}

std::string leaderboard_markdown(const std::vector<LeaderboardRow>& rows, bool with_test) {
  const auto h = header(with_test);
  std::string md = "|";
  for (const auto& name : h) md += " " + name + " |";
  md += "\n|";
  for (size_t i = 0; i < h.size(); ++i) md += i == 0 || h[i] == "eval_metric" ? "---|" : "---:|";
  md += "\n";
  for (const auto& r : rows) {
    md += "|";
    for (const auto& c : cells(r, with_test, true)) md += " " + c + " |";
    md += "\n";
  }
  return md;
}

void write_leaderboard(const std::filesystem::path& dir, const std::vector<LeaderboardRow>& rows,
                       bool with_test) {
  std::string csv;
  const auto h = header(with_test);
  for (size_t i = 0; i < h.size(); ++i) {
    if (i) csv += ',';
    csv += h[i];
  }
  csv += "\n";
  for (const auto& r : rows) {
    const auto c = cells(r, with_test, false);
    for (size_t i = 0; i < c.size(); ++i) {
      if (i) csv += ',';
      csv += data::csv_cell(c[i]);
    }
    csv += "\n";
  }
  io::write_file_atomically(dir / "leaderboard.csv", csv);
  io::write_file_atomically(dir / "leaderboard.md", leaderboard_markdown(rows, with_test));
}

}  // namespace scidl::automl
