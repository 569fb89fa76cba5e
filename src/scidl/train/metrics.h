// Metrics accumulated over batches: mae, mse, rmse, accuracy (class indices vs argmax, or
// thresholded binary), r2. Each keeps running sums so an epoch's value is exact, not an
// average of batch averages.
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
};

std::unique_ptr<Metric> make_metric(const std::string& name);
const std::vector<std::string>& metric_names();

}  // namespace scidl::train
