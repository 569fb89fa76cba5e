#include "scidl/automl/refit_full.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <utility>

#include "scidl/ops/ops.h"

namespace scidl::automl {

RefitOutcome refit_full(Predictor& predictor, const TabularData& every_row, const RefitPlan& plan) {
  RefitOutcome out;
  out.holdout_fits.resize(predictor.models.size());
  out.seconds.assign(predictor.models.size(), 0.0);
  const TabularData none{slice(every_row.x, 0, 0, 0), {}};
  std::vector<size_t> order(predictor.models.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const bool ma = plan.ensemble_weights[a] > 0, mb = plan.ensemble_weights[b] > 0;
    return ma != mb ? ma : plan.score_val[a] > plan.score_val[b];
  });
  for (size_t j : order) {
    FittedModel& m = predictor.models[j];
    const std::string& name = m.preset.name;
    const auto now = Clock::now();
    const double left = std::chrono::duration<double>(plan.deadline - now).count();
    if ((plan.stop && plan.stop->load()) || left < plan.fit_seconds[j] * plan.row_ratio) {
      out.kept.push_back(fmt::format("{} (no time left)", name));
      continue;
    }
    try {
      ModelPreset preset = m.preset;
      preset.params = m.folds.at(0)->refit_params();
      auto model = make_model(preset, predictor.task, int64_t(predictor.classes.size()));
      FitContext context;
      context.task = predictor.task;
      context.classes = int64_t(predictor.classes.size());
      context.seed = plan.seed * 1000003 + uint64_t(j) * 101 + 17;
      context.deadline = plan.deadline;
      context.stop = plan.stop;
      model->fit(every_row, none, context);
      out.seconds[j] = std::chrono::duration<double>(Clock::now() - now).count();
      if (context.should_stop()) {  // cut short: fewer trees or epochs than the holdout chose
        out.kept.push_back(fmt::format("{} (its refit reached the time limit)", name));
        continue;
      }
      const auto dir = plan.work / "models" / name;
      const std::string file = model->save(dir / "full");
      std::error_code ec;
      for (const auto& old : m.files) std::filesystem::remove(plan.work / old, ec);
      m.files = {"models/" + name + "/" + file};
      out.holdout_fits[j] = std::exchange(m.folds[0], std::move(model));
      out.refitted.push_back(name);
    } catch (const std::exception& e) {
      out.kept.push_back(fmt::format("{} (its refit failed: {})", name, e.what()));
    }
  }
  return out;
}

void swap_refits(Predictor& predictor, RefitOutcome& outcome) {
  for (size_t j = 0; j < outcome.holdout_fits.size(); ++j)
    if (outcome.holdout_fits[j]) std::swap(predictor.models[j].folds[0], outcome.holdout_fits[j]);
}

}  // namespace scidl::automl
