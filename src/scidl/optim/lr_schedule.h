// Learning-rate schedules with torch.optim.lr_scheduler semantics, as plain objects that set the
// optimizer's learning rate. The training loop calls step(epochs_done, metric) once at the end of
// each epoch; epochs_done counts completed epochs (PyTorch's last_epoch after that many
// scheduler.step() calls) and metric is the monitored value (only ReduceLROnPlateau reads it).
// Epoch schedules are closed forms of epochs_done, so a resumed run gets the same rates with no
// saved state beyond base_lr; ReduceLROnPlateau saves its counters through state()/load_state().
// Contract: the optimizer outlives the schedule; base_lr is the optimizer's lr at construction.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "scidl/optim/optimizer.h"

namespace scidl::optim {

class LrSchedule {
 public:
  explicit LrSchedule(Optimizer& optimizer) : optimizer_(optimizer), base_lr_(optimizer.lr()) {}
  virtual ~LrSchedule() = default;
  virtual void step(int64_t epochs_done, double metric) = 0;
  virtual std::string name() const = 0;
  virtual bool needs_metric() const { return false; }
  double base_lr() const { return base_lr_; }
  virtual std::map<std::string, double> state() const { return {{"base_lr", base_lr_}}; }
  virtual void load_state(const std::map<std::string, double>& state);

 protected:
  Optimizer& optimizer_;
  double base_lr_;
};

// lr = base_lr * gamma^(epochs_done / step_size) (integer division).
class StepLR : public LrSchedule {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);
  void step(int64_t epochs_done, double metric = 0) override;
  std::string name() const override { return "StepLR"; }

 private:
  int64_t step_size_;
  double gamma_;
};

// lr = base_lr * gamma^epochs_done.
class ExponentialLR : public LrSchedule {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);
  void step(int64_t epochs_done, double metric = 0) override;
  std::string name() const override { return "ExponentialLR"; }

 private:
  double gamma_;
};

// lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epochs_done / t_max)) / 2 (PyTorch's closed
// form; past t_max it keeps following the cosine, as PyTorch's does).
class CosineAnnealingLR : public LrSchedule {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t t_max, double eta_min = 0.0);
  void step(int64_t epochs_done, double metric = 0) override;
  std::string name() const override { return "CosineAnnealingLR"; }

 private:
  int64_t t_max_;
  double eta_min_;
};

struct PlateauOptions {
  std::string mode = "min";            // "min": lower metric is better; "max": higher is
  double factor = 0.1;                 // new lr = max(lr * factor, min_lr)
  int64_t patience = 10;               // epochs without improvement tolerated
  double threshold = 1e-4;             // what counts as an improvement...
  std::string threshold_mode = "rel";  // ...relative ("rel") or absolute ("abs")
  int64_t cooldown = 0;                // epochs to wait after a reduction
  double min_lr = 0.0;
  double eps = 1e-8;  // smaller lr changes are skipped
};

// Cuts the lr by `factor` once the metric has not improved for more than `patience` epochs.
class ReduceLROnPlateau : public LrSchedule {
 public:
  ReduceLROnPlateau(Optimizer& optimizer, PlateauOptions options = {});
  void step(int64_t epochs_done, double metric) override;
  std::string name() const override { return "ReduceLROnPlateau"; }
  bool needs_metric() const override { return true; }
  double best() const { return best_; }
  int64_t bad_epochs() const { return bad_epochs_; }
  std::map<std::string, double> state() const override;
  void load_state(const std::map<std::string, double>& state) override;

 private:
  bool improves(double metric) const;
  PlateauOptions options_;
  double best_;
  int64_t bad_epochs_ = 0, cooldown_counter_ = 0;
};

// By name, as configs spell it: {"type": "step", "step_size": 10, "gamma": 0.5},
// "exponential" (gamma), "cosine" (t_max, eta_min), "reduce_on_plateau" (the PlateauOptions
// keys). Unknown types or keys are errors listing the valid ones.
std::unique_ptr<LrSchedule> make_lr_schedule(const nlohmann::json& spec, Optimizer& optimizer);
const std::vector<std::string>& lr_schedule_names();
// The options a schedule type reads besides `type`; an unknown type throws.
const std::vector<std::string>& lr_schedule_options(const std::string& type);

}  // namespace scidl::optim
