#include "scidl/train/data_checks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::train {

void cast_to_model_type(data::Dataset& d, DType dtype) {
  if (!d.x.defined()) return;
  if (is_floating(d.x.dtype()) && d.x.dtype() != dtype) d.x = d.x.to(dtype);
  if (d.y.defined() && is_floating(d.y.dtype()) && d.y.dtype() != dtype) d.y = d.y.to(dtype);
  TensorDict inputs;
  for (const auto& [name, t] : d.inputs)
    inputs.set(name, is_floating(t.dtype()) && t.dtype() != dtype ? t.to(dtype) : t);
  d.inputs = inputs;
}

std::string first_non_finite(const Tensor& t, const std::vector<std::string>& names) {
  if (!t.defined() || !is_floating(t.dtype()) || t.numel() == 0) return "";
  const Tensor c = t.contiguous();
  const int64_t n = c.numel(), width = n / c.shape()[0];
  int64_t bad = n;
  double value = 0;
  dispatch_float(c.dtype(), [&]<typename T>() {  // in place: images can be 50M values
    const T* v = c.data<T>();
    for (int64_t i = 0; i < n && bad == n; ++i)
      if (!std::isfinite(v[i])) bad = i, value = static_cast<double>(v[i]);
  });
  if (bad == n) return "";
  const int64_t col = bad % width;
  return fmt::format(
      "example {} holds {} in column {}", bad / width + 1, value,
      static_cast<int64_t>(names.size()) == width ? "'" + names[col] + "'" : std::to_string(col));
}

void check_data_fits_model(nn::Module& model, const LossFn& loss, bool class_targets,
                           const data::Dataset& d, const std::string& what) {
  if (d.size() == 0) return;
  for (const auto& [t, names, part] :
       {std::tuple{&d.x, &d.x_names, "inputs"}, std::tuple{&d.y, &d.y_names, "targets"}})
    if (std::string at = first_non_finite(*t, *names); !at.empty())
      throw std::invalid_argument(fmt::format(
          "{}, {}: {}; training needs finite numbers; nothing was written", what, part, at));
  NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  try {
    const int64_t rows = std::min<int64_t>(d.size(), 32);
    TensorDict first = d.graphs ? d.graphs->collate(slice(d.x, 0, 0, rows))
                                : TensorDict{{"x", slice(d.x, 0, 0, rows)}};
    for (const auto& [name, t] : d.inputs) first.set(name, slice(t, 0, 0, rows));
    const Tensor pred = model.forward_batch(first);
    // Text labels name exactly the model's classes; integer labels are indices of its outputs.
    bool text_labels = false;
    for (size_t k = 0; k < d.class_names.size(); ++k)
      text_labels = text_labels || d.class_names[k] != std::to_string(k);
    if (class_targets && pred.dim() == 2 && text_labels &&
        pred.shape()[1] != static_cast<int64_t>(d.class_names.size()))
      throw std::out_of_range(fmt::format(
          "the targets hold {} classes ({}) but the model has {} outputs; give its last layer {} "
          "units",
          d.class_names.size(), fmt::join(d.class_names, ", "), pred.shape()[1],
          d.class_names.size()));
    if (class_targets && pred.dim() >= 2 && d.y.dtype() == DType::Int64) {
      const int64_t classes = pred.shape()[1];
      const auto labels = d.y.to_vector<int64_t>();
      for (size_t i = 0; i < labels.size(); ++i)
        if (labels[i] < 0 || labels[i] >= classes)
          throw std::out_of_range(
              fmt::format("example {} has class {}, but the model has {} outputs (classes 0 to {})",
                          i + 1, labels[i], classes, classes - 1));
    }
    loss(pred, slice(d.y, 0, 0, rows));
  } catch (const std::exception& e) {
    model.train(was_training);
    throw std::invalid_argument(
        fmt::format("{} does not fit the model: {}; nothing was written", what, e.what()));
  }
  model.train(was_training);
}

}  // namespace scidl::train
