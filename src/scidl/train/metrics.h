// Metrics accumulated over batches: mae, mse, rmse, accuracy (class indices vs argmax, or
// thresholded binary), top-k accuracy ("top_k_accuracy" is k = 5 as in Keras, "top3_accuracy"
// names k), r2. Each keeps running sums so an epoch's value is exact, not an average of batch
// averages, and exposes those sums (state/load_state) so a run resumed mid-epoch continues them.
// ConfusionMatrix counts (true class, predicted class) pairs; it is a table, not a scalar, so
// runs write it to a file instead of logging it per epoch.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl::train {

class Metric {
 public:
  virtual ~Metric() = default;
  virtual std::string name() const = 0;
  virtual void reset() = 0;
  virtual void update(const Tensor& prediction, const Tensor& target) = 0;
  virtual double value() const = 0;
  virtual std::vector<double> state() const = 0;  // the running sums, exactly
  virtual void load_state(const std::vector<double>& state) = 0;
};

// Throws std::invalid_argument listing the valid names.
std::unique_ptr<Metric> make_metric(const std::string& name);
const std::vector<std::string>& metric_names();  // the fixed names (plus topK_accuracy)
bool is_metric_name(const std::string& name);
// Whether a metric (or "confusion_matrix") means something for a model trained with `loss`:
// class metrics for class losses, error metrics for regression losses, accuracy (logit > 0)
// for bce_with_logits. And the names that do, for messages.
bool metric_fits_loss(const std::string& metric, const std::string& loss);
std::vector<std::string> metrics_for_loss(const std::string& loss);

// +1 when larger is better (accuracy, top-k accuracy, r2), -1 when smaller is (loss, errors),
// 0 when unknown. Accepts "val_" prefixes. EarlyStopping's mode "auto" uses it.
int metric_direction(const std::string& logged_name);

// Counts over class-index targets (int64 [N]) and logits/probabilities [N, classes].
class ConfusionMatrix {
 public:
  explicit ConfusionMatrix(int64_t classes);
  void update(const Tensor& prediction, const Tensor& target);
  int64_t classes() const { return classes_; }
  int64_t count(int64_t truth, int64_t predicted) const {
    return counts_[truth * classes_ + predicted];
  }
  const std::vector<int64_t>& counts() const { return counts_; }  // row = true class
  std::string format() const;  // an aligned text table, rows true, columns predicted

 private:
  int64_t classes_;
  std::vector<int64_t> counts_;
};

}  // namespace scidl::train
