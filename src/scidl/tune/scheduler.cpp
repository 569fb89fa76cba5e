#include "scidl/tune/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

namespace scidl::tune {

double nan_percentile(std::vector<double> values, double percent) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double position = (static_cast<double>(values.size()) - 1) * percent / 100.0;
  const auto below = static_cast<size_t>(std::floor(position));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (values[above] - values[below]) * (position - static_cast<double>(below));
}

std::vector<int> asha_milestones(const AshaOptions& o) {
  const int rungs = static_cast<int>(std::log(static_cast<double>(o.max_t) / o.grace_period) /
                                         std::log(static_cast<double>(o.reduction_factor)) +
                                     1);
  std::vector<int> milestones;
  for (int k = rungs - 1; k >= 0; --k)
    milestones.push_back(
        static_cast<int>(o.grace_period * std::pow(static_cast<double>(o.reduction_factor), k)));
  return milestones;
}

namespace {

class Fifo : public Scheduler {
 public:
  Decision on_result(int64_t, int, double) override { return {}; }
  std::string name() const override { return "fifo"; }
};

class Asha : public Scheduler {
 public:
  Asha(bool minimize, AshaOptions options) : sign_(minimize ? -1.0 : 1.0), options_(options) {
    for (int milestone : asha_milestones(options)) rungs_.push_back({milestone, {}});
  }

  // ray/tune/schedulers/async_hyperband.py: _Bracket.on_result, on values signed so that higher
  // is better.
  Decision on_result(int64_t trial, int epoch, double value) override {
    if (epoch >= options_.max_t) return {true, "max_t"};
    const double signed_value = sign_ * value;
    for (auto& [milestone, recorded] : rungs_) {
      if (epoch < milestone || recorded.count(trial)) continue;
      std::vector<double> values;
      for (const auto& [t, v] : recorded) values.push_back(v);
      const double cutoff = nan_percentile(values, (1.0 - 1.0 / options_.reduction_factor) * 100.0);
      Decision decision;
      if (!values.empty() && signed_value < cutoff)
        decision = {true, fmt::format("asha rung {}", milestone)};
      recorded[trial] = signed_value;
      return decision;
    }
    return {};
  }
  std::string name() const override { return "asha"; }

 private:
  struct Rung {
    int milestone;
    std::map<int64_t, double> recorded;
  };
  double sign_;
  AshaOptions options_;
  std::vector<Rung> rungs_;
};

// optuna/pruners/_percentile.py with percentile 50.
class Median : public Scheduler {
 public:
  Median(bool minimize, MedianOptions options) : minimize_(minimize), options_(options) {}

  Decision on_result(int64_t trial, int epoch, double value) override {
    auto& values = values_[trial];
    values[epoch] = value;
    if (static_cast<int>(completed_.size()) < options_.n_startup_trials) return {};
    if (epoch < options_.n_warmup_steps) return {};
    if ((epoch - options_.n_warmup_steps) % options_.interval_steps != 0) return {};
    double best = std::numeric_limits<double>::quiet_NaN();
    for (const auto& [e, v] : values)
      if (!std::isnan(v) && (std::isnan(best) || (minimize_ ? v < best : v > best))) best = v;
    if (std::isnan(best)) return {true, fmt::format("median at epoch {} (no finite value)", epoch)};
    std::vector<double> others;
    for (int64_t t : completed_)
      if (auto it = values_[t].find(epoch); it != values_[t].end()) others.push_back(it->second);
    if (static_cast<int>(others.size()) < options_.n_min_trials) return {};
    const double median = nan_percentile(others, 50.0);
    if (std::isnan(median)) return {};
    if (minimize_ ? best > median : best < median)
      return {true, fmt::format("median at epoch {}", epoch)};
    return {};
  }
  void on_complete(int64_t trial) override { completed_.insert(trial); }
  std::string name() const override { return "median"; }

 private:
  bool minimize_;
  MedianOptions options_;
  std::map<int64_t, std::map<int, double>> values_;
  std::set<int64_t> completed_;
};

}  // namespace

std::unique_ptr<Scheduler> make_scheduler(const std::string& kind, bool minimize,
                                          const AshaOptions& asha, const MedianOptions& median) {
  if (kind == "fifo") return std::make_unique<Fifo>();
  if (kind == "asha") return std::make_unique<Asha>(minimize, asha);
  if (kind == "median") return std::make_unique<Median>(minimize, median);
  throw std::invalid_argument("unknown scheduler '" + kind + "': choose fifo, asha or median");
}

}  // namespace scidl::tune
