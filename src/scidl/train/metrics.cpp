#include "scidl/train/metrics.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/ops.h"

namespace scidl::train {

namespace {

class ErrorMetric : public Metric {
 public:
  enum Kind { MAE, MSE, RMSE };
  explicit ErrorMetric(Kind k) : kind_(k) {}
  std::string name() const override { return kind_ == MAE ? "mae" : kind_ == MSE ? "mse" : "rmse"; }
  void reset() override { sum_ = 0, count_ = 0; }
  void update(const Tensor& p, const Tensor& t) override {
    NoGradGuard ng;
    Tensor d = sub(p, t.dtype() == p.dtype() ? t : t.to(p.dtype()));
    sum_ += sum(kind_ == MAE ? abs(d) : square(d)).item();
    count_ += d.numel();
  }
  double value() const override {
    double m = count_ ? sum_ / count_ : 0;
    return kind_ == RMSE ? std::sqrt(m) : m;
  }

 private:
  Kind kind_;
  double sum_ = 0;
  int64_t count_ = 0;
};

class Accuracy : public Metric {
 public:
  std::string name() const override { return "accuracy"; }
  void reset() override { correct_ = 0, count_ = 0; }
  void update(const Tensor& p, const Tensor& t) override {
    NoGradGuard ng;
    if (t.dtype() == DType::Int64) {  // class indices vs argmax over classes
      auto pred = argmax(p, 1).to_vector<int64_t>();
      auto truth = t.to_vector<int64_t>();
      for (size_t i = 0; i < pred.size(); ++i) correct_ += pred[i] == truth[i];
      count_ += static_cast<int64_t>(pred.size());
    } else {  // binary: logit > 0 vs target > 0.5
      auto pv = p.to_vector<double>();
      auto tv = t.to_vector<double>();
      for (size_t i = 0; i < pv.size(); ++i) correct_ += (pv[i] > 0) == (tv[i] > 0.5);
      count_ += static_cast<int64_t>(pv.size());
    }
  }
  double value() const override { return count_ ? static_cast<double>(correct_) / count_ : 0; }

 private:
  int64_t correct_ = 0, count_ = 0;
};

class R2 : public Metric {
 public:
  std::string name() const override { return "r2"; }
  void reset() override { ss_res_ = sum_t_ = sum_t2_ = 0, n_ = 0; }
  void update(const Tensor& p, const Tensor& t) override {
    auto pv = p.to_vector<double>();
    auto tv = t.to_vector<double>();
    for (size_t i = 0; i < pv.size(); ++i) {
      ss_res_ += (pv[i] - tv[i]) * (pv[i] - tv[i]);
      sum_t_ += tv[i];
      sum_t2_ += tv[i] * tv[i];
    }
    n_ += static_cast<int64_t>(pv.size());
  }
  double value() const override {
    double ss_tot = sum_t2_ - sum_t_ * sum_t_ / std::max<int64_t>(n_, 1);
    return ss_tot > 0 ? 1 - ss_res_ / ss_tot : 0;
  }

 private:
  double ss_res_ = 0, sum_t_ = 0, sum_t2_ = 0;
  int64_t n_ = 0;
};

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names{"mae", "mse", "rmse", "accuracy", "r2"};
  return names;
}

std::unique_ptr<Metric> make_metric(const std::string& name) {
  if (name == "mae") return std::make_unique<ErrorMetric>(ErrorMetric::MAE);
  if (name == "mse") return std::make_unique<ErrorMetric>(ErrorMetric::MSE);
  if (name == "rmse") return std::make_unique<ErrorMetric>(ErrorMetric::RMSE);
  if (name == "accuracy" || name == "acc") return std::make_unique<Accuracy>();
  if (name == "r2") return std::make_unique<R2>();
  throw std::invalid_argument(fmt::format("unknown metric '{}'; choose one of {}", name,
                                          fmt::join(metric_names(), ", ")));
}

}  // namespace scidl::train
