#include "scidl/optim/lr_schedule.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <optional>

#include "scidl/optim/option_checks.h"

namespace scidl::optim {

void LrSchedule::load_state(const std::map<std::string, double>& state) {
  if (auto it = state.find("base_lr"); it != state.end()) base_lr_ = it->second;
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LrSchedule(optimizer), step_size_(step_size), gamma_(gamma) {
  if (step_size < 1)
    throw std::invalid_argument(
        fmt::format("StepLR: 'step_size' must be at least 1, got {}", step_size));
  check_positive("StepLR", "gamma", gamma);
}

void StepLR::step(int64_t epochs_done, double) {
  optimizer_.set_lr(base_lr_ * std::pow(gamma_, static_cast<double>(epochs_done / step_size_)));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma)
    : LrSchedule(optimizer), gamma_(gamma) {
  check_positive("ExponentialLR", "gamma", gamma);
}

void ExponentialLR::step(int64_t epochs_done, double) {
  optimizer_.set_lr(base_lr_ * std::pow(gamma_, static_cast<double>(epochs_done)));
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min)
    : LrSchedule(optimizer), t_max_(t_max), eta_min_(eta_min) {
  if (t_max < 1)
    throw std::invalid_argument(
        fmt::format("CosineAnnealingLR: 't_max' must be at least 1, got {}", t_max));
  check_non_negative("CosineAnnealingLR", "eta_min", eta_min);
}

void CosineAnnealingLR::step(int64_t epochs_done, double) {
  const double phase =
      std::numbers::pi * static_cast<double>(epochs_done) / static_cast<double>(t_max_);
  optimizer_.set_lr(eta_min_ + (base_lr_ - eta_min_) * (1 + std::cos(phase)) / 2);
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, PlateauOptions o)
    : LrSchedule(optimizer), options_(std::move(o)) {
  if (options_.mode != "min" && options_.mode != "max")
    throw std::invalid_argument(fmt::format(
        "ReduceLROnPlateau: 'mode' must be \"min\" or \"max\", got \"{}\"", options_.mode));
  if (options_.threshold_mode != "rel" && options_.threshold_mode != "abs")
    throw std::invalid_argument(
        fmt::format("ReduceLROnPlateau: 'threshold_mode' must be \"rel\" or \"abs\", got \"{}\"",
                    options_.threshold_mode));
  if (!(options_.factor > 0 && options_.factor < 1))
    throw std::invalid_argument(
        fmt::format("ReduceLROnPlateau: 'factor' must lie in (0, 1), got {}", options_.factor));
  if (options_.patience < 0 || options_.cooldown < 0)
    throw std::invalid_argument("ReduceLROnPlateau: 'patience' and 'cooldown' must be >= 0");
  check_non_negative("ReduceLROnPlateau", "threshold", options_.threshold);
  check_non_negative("ReduceLROnPlateau", "min_lr", options_.min_lr);
  check_non_negative("ReduceLROnPlateau", "eps", options_.eps);
  const double inf = std::numeric_limits<double>::infinity();
  best_ = options_.mode == "min" ? inf : -inf;
}

bool ReduceLROnPlateau::improves(double a) const {
  const bool rel = options_.threshold_mode == "rel";
  const double t = options_.threshold;
  if (options_.mode == "min") return rel ? a < best_ * (1 - t) : a < best_ - t;
  return rel ? a > best_ * (t + 1) : a > best_ + t;
}

void ReduceLROnPlateau::step(int64_t, double metric) {
  if (improves(metric)) {  // NaN never improves
    best_ = metric;
    bad_epochs_ = 0;
  } else {
    ++bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    bad_epochs_ = 0;
  }
  if (bad_epochs_ > options_.patience) {
    const double old_lr = optimizer_.lr();
    const double new_lr = std::max(old_lr * options_.factor, options_.min_lr);
    if (old_lr - new_lr > options_.eps) optimizer_.set_lr(new_lr);
    cooldown_counter_ = options_.cooldown;
    bad_epochs_ = 0;
  }
}

std::map<std::string, double> ReduceLROnPlateau::state() const {
  return {{"base_lr", base_lr_},
          {"best", best_},
          {"bad_epochs", static_cast<double>(bad_epochs_)},
          {"cooldown_counter", static_cast<double>(cooldown_counter_)}};
}

void ReduceLROnPlateau::load_state(const std::map<std::string, double>& s) {
  LrSchedule::load_state(s);
  for (const char* key : {"best", "bad_epochs", "cooldown_counter"})
    if (!s.count(key))
      throw std::invalid_argument(fmt::format(
          "ReduceLROnPlateau: saved state lacks '{}'; was it saved by another schedule?", key));
  best_ = s.at("best");
  bad_epochs_ = static_cast<int64_t>(s.at("bad_epochs"));
  cooldown_counter_ = static_cast<int64_t>(s.at("cooldown_counter"));
}

const std::vector<std::string>& lr_schedule_names() {
  static const std::vector<std::string> names{"step", "exponential", "cosine", "reduce_on_plateau"};
  return names;
}

const std::vector<std::string>& lr_schedule_options(const std::string& type) {
  static const std::map<std::string, std::vector<std::string>> options{
      {"step", {"step_size", "gamma"}},
      {"exponential", {"gamma"}},
      {"cosine", {"t_max", "eta_min"}},
      {"reduce_on_plateau",
       {"mode", "factor", "patience", "threshold", "threshold_mode", "cooldown", "min_lr", "eps"}}};
  auto it = options.find(type);
  if (it == options.end())
    throw std::invalid_argument(fmt::format("lr_schedule: unknown type '{}'; choose one of {}",
                                            type, fmt::join(lr_schedule_names(), ", ")));
  return it->second;
}

namespace {

// Reads the keys of one schedule, refusing any other, with messages naming the key path.
class Keys {
 public:
  Keys(const nlohmann::json& j, std::string type)
      : j_(j), type_(std::move(type)), allowed_(lr_schedule_options(type_)) {
    for (const auto& [key, value] : j.items())
      if (key != "type" && std::find(allowed_.begin(), allowed_.end(), key) == allowed_.end())
        throw std::invalid_argument(
            fmt::format("lr_schedule: '{}' has no option '{}'; its options are {}", type_, key,
                        fmt::join(allowed_, ", ")));
  }
  double number(const std::string& key, std::optional<double> fallback) const {
    if (!j_.contains(key)) {
      if (!fallback)
        throw std::invalid_argument(fmt::format("lr_schedule: '{}' needs '{}'", type_, key));
      return *fallback;
    }
    if (!j_[key].is_number())
      throw std::invalid_argument(
          fmt::format("lr_schedule.{}: expected a number, got {}", key, j_[key].dump()));
    return j_[key].get<double>();
  }
  int64_t integer(const std::string& key, std::optional<int64_t> fallback) const {
    if (!j_.contains(key)) {
      if (!fallback)
        throw std::invalid_argument(fmt::format("lr_schedule: '{}' needs '{}'", type_, key));
      return *fallback;
    }
    if (!j_[key].is_number_integer())
      throw std::invalid_argument(
          fmt::format("lr_schedule.{}: expected an integer, got {}", key, j_[key].dump()));
    return j_[key].get<int64_t>();
  }
  std::string text(const std::string& key, const std::string& fallback) const {
    if (!j_.contains(key)) return fallback;
    if (!j_[key].is_string())
      throw std::invalid_argument(
          fmt::format("lr_schedule.{}: expected a string, got {}", key, j_[key].dump()));
    return j_[key].get<std::string>();
  }

 private:
  const nlohmann::json& j_;
  std::string type_;
  std::vector<std::string> allowed_;
};

}  // namespace

std::unique_ptr<LrSchedule> make_lr_schedule(const nlohmann::json& j, Optimizer& optimizer) {
  const std::string type = j.is_object() ? j.value("type", std::string()) : std::string();
  if (type == "step") {
    Keys k(j, type);
    return std::make_unique<StepLR>(optimizer, k.integer("step_size", std::nullopt),
                                    k.number("gamma", 0.1));
  }
  if (type == "exponential") {
    Keys k(j, type);
    return std::make_unique<ExponentialLR>(optimizer, k.number("gamma", std::nullopt));
  }
  if (type == "cosine") {
    Keys k(j, type);
    return std::make_unique<CosineAnnealingLR>(optimizer, k.integer("t_max", std::nullopt),
                                               k.number("eta_min", 0.0));
  }
  if (type == "reduce_on_plateau") {
    Keys k(j, type);
    PlateauOptions d;
    PlateauOptions o{k.text("mode", d.mode),
                     k.number("factor", d.factor),
                     k.integer("patience", d.patience),
                     k.number("threshold", d.threshold),
                     k.text("threshold_mode", d.threshold_mode),
                     k.integer("cooldown", d.cooldown),
                     k.number("min_lr", d.min_lr),
                     k.number("eps", d.eps)};
    return std::make_unique<ReduceLROnPlateau>(optimizer, o);
  }
  throw std::invalid_argument(fmt::format("lr_schedule: unknown type '{}'; choose one of {}", type,
                                          fmt::join(lr_schedule_names(), ", ")));
}

}  // namespace scidl::optim
