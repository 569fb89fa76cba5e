// What `scidl explain` writes to its output folder, as a library call so tests and programs get
// the same files:
//   attributions.csv   one row per example, one column per feature
//   attributions.json  method, settings, features, attributions, convergence deltas (when the
//                      method has them) and the ranking
//   ranking.csv        rank, feature, score, share (the global ranking)
//   ranking.svg, .png  the ranking as a bar chart, most salient feature on top (one figure,
//                      explain/bar_chart.h)
// Contract: attributions are [N, F] (trailing dims flattened) with F == names.size(); the folder
// is created when missing; files are replaced.
#pragma once
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "scidl/explain/feature_ranking.h"

namespace scidl::explain {

struct AttributionReport {
  std::string method;        // "integrated_gradients", "saliency", ...
  nlohmann::json settings;   // target, rule, n_steps, baseline, ... as given
  Tensor attributions;       // [N, F]
  Tensor convergence_delta;  // [N] or undefined
  FeatureRanking ranking;
  std::string ranking_statistic;  // e.g. "mean |attribution|"
};

// rank,feature,score,share rows, most salient first (feature names quoted when needed).
void write_ranking_csv(const std::filesystem::path& path, const FeatureRanking& ranking);

void write_attribution_report(const std::filesystem::path& folder, const AttributionReport& report);

}  // namespace scidl::explain
