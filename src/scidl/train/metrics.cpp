#include "scidl/train/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

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
  std::vector<double> state() const override { return {sum_, static_cast<double>(count_)}; }
  void load_state(const std::vector<double>& s) override {
    sum_ = s.at(0);
    count_ = static_cast<int64_t>(s.at(1));
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
  std::vector<double> state() const override {
    return {static_cast<double>(correct_), static_cast<double>(count_)};
  }
  void load_state(const std::vector<double>& s) override {
    correct_ = static_cast<int64_t>(s.at(0));
    count_ = static_cast<int64_t>(s.at(1));
  }

 private:
  int64_t correct_ = 0, count_ = 0;
};

// Keras's sparse top-k categorical accuracy: the true class is among the k largest scores.
// Ties count in the true class's favour only if fewer than k other classes score strictly higher.
class TopKAccuracy : public Metric {
 public:
  TopKAccuracy(int64_t k, std::string name) : k_(k), name_(std::move(name)) {}
  std::string name() const override { return name_; }
  void update(const Tensor& p, const Tensor& t) override {
    if (t.dtype() != DType::Int64 || p.shape().size() != 2)
      throw std::invalid_argument(fmt::format(
          "{} needs class-index targets (int64 [N]) and scores [N, classes], got {} and {}; use "
          "it with loss cross_entropy or nll",
          name_, t.str(), p.str()));
    auto scores = p.to_vector<double>();
    auto truth = t.to_vector<int64_t>();
    const int64_t classes = p.shape()[1];
    for (size_t i = 0; i < truth.size(); ++i) {
      const double* row = scores.data() + i * classes;
      double mine = row[truth[i]];
      int64_t higher = 0;
      for (int64_t c = 0; c < classes; ++c) higher += row[c] > mine;
      hits_ += higher < k_;
    }
    n_ += static_cast<int64_t>(truth.size());
  }
  void reset() override { hits_ = n_ = 0; }
  double value() const override { return n_ ? static_cast<double>(hits_) / n_ : 0; }
  std::vector<double> state() const override {
    return {static_cast<double>(hits_), static_cast<double>(n_)};
  }
  void load_state(const std::vector<double>& s) override {
    hits_ = static_cast<int64_t>(s.at(0));
    n_ = static_cast<int64_t>(s.at(1));
  }

 private:
  int64_t k_;
  std::string name_;
  int64_t hits_ = 0, n_ = 0;
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
  std::vector<double> state() const override {
    return {ss_res_, sum_t_, sum_t2_, static_cast<double>(n_)};
  }
  void load_state(const std::vector<double>& s) override {
    ss_res_ = s.at(0), sum_t_ = s.at(1), sum_t2_ = s.at(2);
    n_ = static_cast<int64_t>(s.at(3));
  }

 private:
  double ss_res_ = 0, sum_t_ = 0, sum_t2_ = 0;
  int64_t n_ = 0;
};

// "top_k_accuracy" -> 5, "top3_accuracy" -> 3, anything else -> 0.
int64_t top_k_of(const std::string& name) {
  if (name == "top_k_accuracy") return 5;
  if (name.size() < 13 || name.rfind("top", 0) != 0 || name.substr(name.size() - 9) != "_accuracy")
    return 0;
  std::string digits = name.substr(3, name.size() - 12);
  if (digits.empty() || digits.size() > 4 || !std::all_of(digits.begin(), digits.end(), ::isdigit))
    return 0;
  return std::stoll(digits);
}

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names{"mae", "mse", "rmse", "accuracy", "top_k_accuracy",
                                              "r2"};
  return names;
}

bool is_metric_name(const std::string& name) {
  return std::find(metric_names().begin(), metric_names().end(), name) != metric_names().end() ||
         name == "acc" || top_k_of(name) > 0;
}

namespace {
bool class_metric(const std::string& m) {
  return m == "accuracy" || m == "acc" || m == "confusion_matrix" || m == "top_k_accuracy" ||
         top_k_of(m) > 0;
}
}  // namespace

bool metric_fits_loss(const std::string& metric, const std::string& loss) {
  if (loss == "cross_entropy" || loss == "nll") return class_metric(metric);
  if (loss == "bce_with_logits") return metric == "accuracy" || metric == "acc";
  return !class_metric(metric);
}

std::vector<std::string> metrics_for_loss(const std::string& loss) {
  std::vector<std::string> out;
  for (const auto& m : metric_names())
    if (metric_fits_loss(m, loss)) out.push_back(m);
  if (metric_fits_loss("confusion_matrix", loss)) out.push_back("confusion_matrix");
  return out;
}

int metric_direction(const std::string& logged) {
  std::string n = logged.rfind("val_", 0) == 0 ? logged.substr(4) : logged;
  if (n == "accuracy" || n == "acc" || n == "r2" || top_k_of(n) > 0) return +1;
  if (n == "loss" || n == "mae" || n == "mse" || n == "rmse") return -1;
  return 0;
}

std::unique_ptr<Metric> make_metric(const std::string& name) {
  if (name == "mae") return std::make_unique<ErrorMetric>(ErrorMetric::MAE);
  if (name == "mse") return std::make_unique<ErrorMetric>(ErrorMetric::MSE);
  if (name == "rmse") return std::make_unique<ErrorMetric>(ErrorMetric::RMSE);
  if (name == "accuracy" || name == "acc") return std::make_unique<Accuracy>();
  if (name == "r2") return std::make_unique<R2>();
  if (int64_t k = top_k_of(name); k > 0) return std::make_unique<TopKAccuracy>(k, name);
  throw std::invalid_argument(fmt::format(
      "unknown metric '{}'; choose one of {} (topN_accuracy for another k, e.g. top3_accuracy)",
      name, fmt::join(metric_names(), ", ")));
}

ConfusionMatrix::ConfusionMatrix(int64_t classes)
    : classes_(classes), counts_(classes * classes, 0) {
  if (classes < 1) throw std::invalid_argument("ConfusionMatrix: need at least one class");
}

void ConfusionMatrix::update(const Tensor& p, const Tensor& t) {
  NoGradGuard ng;
  if (t.dtype() != DType::Int64 || p.shape().size() != 2 || p.shape()[1] != classes_)
    throw std::invalid_argument(fmt::format(
        "confusion matrix: needs class-index targets (int64 [N]) and scores [N, {}], got {} and {}",
        classes_, t.str(), p.str()));
  auto pred = argmax(p, 1).to_vector<int64_t>();
  auto truth = t.to_vector<int64_t>();
  for (size_t i = 0; i < pred.size(); ++i) {
    if (truth[i] < 0 || truth[i] >= classes_)
      throw std::invalid_argument(
          fmt::format("confusion matrix: target class {} is outside [0, {})", truth[i], classes_));
    ++counts_[truth[i] * classes_ + pred[i]];
  }
}

std::string ConfusionMatrix::format() const {
  int64_t widest = *std::max_element(counts_.begin(), counts_.end());
  int w = std::max<int>(static_cast<int>(std::to_string(widest).size()),
                        static_cast<int>(std::to_string(classes_ - 1).size())) +
          1;
  std::string out = fmt::format("{:>{}}", "true\\pred", 10);
  for (int64_t c = 0; c < classes_; ++c) out += fmt::format("{:>{}}", c, w);
  out += "\n";
  for (int64_t r = 0; r < classes_; ++r) {
    out += fmt::format("{:>10}", r);
    for (int64_t c = 0; c < classes_; ++c) out += fmt::format("{:>{}}", count(r, c), w);
    out += "\n";
  }
  return out;
}

}  // namespace scidl::train
