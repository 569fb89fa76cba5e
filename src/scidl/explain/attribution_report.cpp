#include "scidl/explain/attribution_report.h"

#include <fmt/format.h>

#include <fstream>

#include "scidl/data/csv.h"
#include "scidl/explain/bar_chart.h"

namespace scidl::explain {

namespace {

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char ch : s) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

}  // namespace

void write_ranking_csv(const std::filesystem::path& path, const FeatureRanking& ranking) {
  std::ofstream out(path);
  out << "rank,feature,score,share\n";
  for (size_t rank = 0; rank < ranking.order.size(); ++rank) {
    const int64_t i = ranking.order[rank];
    out << fmt::format("{},{},{},{}\n", rank + 1, csv_cell(ranking.names[i]), ranking.scores[i],
                       ranking.shares[i]);
  }
  if (!out) throw ExplainError(fmt::format("cannot write '{}'", path.string()));
}

void write_attribution_report(const std::filesystem::path& folder, const AttributionReport& r) {
  std::filesystem::create_directories(folder);
  const auto& names = r.ranking.names;
  const int64_t n = r.attributions.shape()[0], f = r.attributions.numel() / n;
  if (f != static_cast<int64_t>(names.size()))
    throw ExplainError(
        fmt::format("attribution report: {} features but {} names", f, names.size()));
  auto values = r.attributions.to_vector<double>();
  data::write_csv(folder / "attributions.csv", names, n, f, values.data());

  write_ranking_csv(folder / "ranking.csv", r.ranking);

  nlohmann::json j;
  j["method"] = r.method;
  j["settings"] = r.settings;
  j["features"] = names;
  j["attributions"] = nlohmann::json::array();
  for (int64_t i = 0; i < n; ++i)
    j["attributions"].push_back(
        std::vector<double>(values.begin() + i * f, values.begin() + (i + 1) * f));
  if (r.convergence_delta.defined())
    j["convergence_delta"] = r.convergence_delta.to_vector<double>();
  j["ranking_statistic"] = r.ranking_statistic;
  j["ranking"] = nlohmann::json::array();
  std::vector<Bar> bars;
  for (size_t rank = 0; rank < r.ranking.order.size(); ++rank) {
    const int64_t i = r.ranking.order[rank];
    j["ranking"].push_back({{"rank", rank + 1},
                            {"feature", names[i]},
                            {"score", r.ranking.scores[i]},
                            {"share", r.ranking.shares[i]}});
    bars.push_back({names[i], r.ranking.scores[i]});
  }
  std::ofstream out(folder / "attributions.json");
  out << j.dump(1) << "\n";
  if (!out)
    throw ExplainError(fmt::format("cannot write '{}'", (folder / "attributions.json").string()));
  write_bar_chart(folder / "ranking", bars, fmt::format("Feature salience: {}", r.method),
                  r.ranking_statistic);
}

}  // namespace scidl::explain
