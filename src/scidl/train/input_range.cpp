#include "scidl/train/input_range.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace scidl::train {

nlohmann::json spec_with_input_range(nlohmann::json spec, const data::Dataset& d) {
  if (!d.x.defined() || d.x.dim() != 2 || d.size() == 0 || d.x.shape()[1] > kMaxRangeColumns)
    return spec;
  const int64_t rows = d.x.shape()[0], cols = d.x.shape()[1];
  const Tensor x = d.x.contiguous();
  std::vector<double> lo(cols), hi(cols);
  dispatch_float(x.dtype(), [&]<typename T>() {  // in place: 10M rows would be 240 MB as doubles
    const T* v = x.data<T>();
    std::vector<T> a(v, v + cols), b = a;
    for (int64_t r = 1; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        a[c] = std::min(a[c], v[r * cols + c]);
        b[c] = std::max(b[c], v[r * cols + c]);
      }
    std::copy(a.begin(), a.end(), lo.begin());
    std::copy(b.begin(), b.end(), hi.begin());
  });
  std::vector<std::string> names = d.x_names;
  if (static_cast<int64_t>(names.size()) != cols) {
    names.clear();
    for (int64_t c = 0; c < cols; ++c) names.push_back(std::to_string(c));
  }
  spec["input_range"] = {{"names", names}, {"min", lo}, {"max", hi}};
  return spec;
}

std::string extrapolation_warning(const nlohmann::json& spec, int64_t rows, int64_t cols,
                                  const std::vector<double>& values) {
  if (!spec.contains("input_range")) return "";
  const auto& range = spec["input_range"];
  const auto lo = range.at("min").get<std::vector<double>>();
  const auto hi = range.at("max").get<std::vector<double>>();
  const auto names = range.at("names").get<std::vector<std::string>>();
  if (static_cast<int64_t>(lo.size()) != cols) return "";
  int64_t outside = 0, worst_col = 0;
  double worst_excess = 0, worst_value = 0;
  for (int64_t r = 0; r < rows; ++r) {
    bool out = false;
    for (int64_t c = 0; c < cols; ++c) {
      const double x = values[r * cols + c];
      // 1% of the span is slack: validation rows and new samples of the same distribution
      // fall a little past the training rows' extremes, which is not extrapolation
      const double span = std::max(hi[c] - lo[c], 1e-12);
      const double excess = std::max(lo[c] - x, x - hi[c]) / span;
      if (!(excess > kRangeSlack) && !std::isnan(x)) continue;
      out = true;
      if (!(excess <= worst_excess)) worst_excess = excess, worst_col = c, worst_value = x;
    }
    outside += out;
  }
  if (outside == 0) return "";
  return fmt::format(
      "{} of {} rows lie outside the range the model was trained on (column '{}' reaches {:g}, "
      "trained on {:g} to {:g}): its outputs there extrapolate",
      outside, rows, names[worst_col], worst_value, lo[worst_col], hi[worst_col]);
}

}  // namespace scidl::train
