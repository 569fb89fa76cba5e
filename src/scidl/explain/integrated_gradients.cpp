#include "scidl/explain/integrated_gradients.h"

#include <fmt/format.h>

#include <algorithm>

#include "scidl/ops/shape_ops.h"

namespace scidl::explain {

namespace {

// Rows first..first+rows-1 of the path matrix, row r = step r / N of example r % N:
// baseline + alpha (x - baseline). x and baseline are compact [N, D].
template <typename T>
void fill_path_points(const T* x, const T* base, int64_t examples, int64_t features,
                      const std::vector<double>& alphas, int64_t first, int64_t rows, T* out) {
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t row = first + r, step = row / examples, example = row % examples;
    const T alpha = static_cast<T>(alphas[step]);
    const T* xi = x + example * features;
    const T* bi = base + example * features;
    T* o = out + r * features;
    for (int64_t d = 0; d < features; ++d) o[d] = bi[d] + alpha * (xi[d] - bi[d]);
  }
}

// total[example] += weight of the row's step * gradient of the row.
template <typename T>
void accumulate_weighted(const T* gradient, int64_t examples, int64_t features,
                         const std::vector<double>& weights, int64_t first, int64_t rows,
                         double* total) {
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t row = first + r, step = row / examples, example = row % examples;
    const double w = weights[step];
    const T* g = gradient + r * features;
    double* t = total + example * features;
    for (int64_t d = 0; d < features; ++d) t[d] += w * static_cast<double>(g[d]);
  }
}

}  // namespace

Tensor convergence_delta(nn::Module& model, const Tensor& attributions, const Tensor& x,
                         const Tensor& baseline, const Target& target) {
  const int64_t n = x.shape()[0];
  Tensor ends = target_outputs(model, concat({x.detach(), baseline.detach()}, 0),
                               target.for_rows(0, 2 * n, n));
  auto f = ends.to_vector<double>();
  auto a = attributions.to_vector<double>();
  const int64_t features = x.numel() / n;
  std::vector<double> delta(n);
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int64_t d = 0; d < features; ++d) sum += a[i * features + d];
    delta[i] = sum - (f[i] - f[n + i]);
  }
  return from_vector(delta, {n});
}

Attribution integrated_gradients(nn::Module& model, const Tensor& x, const Target& target,
                                 const IntegratedGradientsOptions& options) {
  const IntegrationPoints points = integration_points(options.rule, options.n_steps);
  if (!x.defined() || x.dim() < 1 || x.shape()[0] < 1)
    throw ExplainError(
        "integrated gradients: the input must be a batch [N, ...] with at least "
        "one example");
  if (options.internal_batch_size < 0)
    throw ExplainError(fmt::format(
        "integrated gradients: internal_batch_size is {}; use a positive number of path points "
        "per pass, or 0 for all in one pass",
        options.internal_batch_size));
  const Tensor xc = x.detach().contiguous();
  const Tensor base = options.baseline.resolve(xc);
  const int64_t examples = xc.shape()[0], features = xc.numel() / examples;
  const int64_t total_rows = static_cast<int64_t>(options.n_steps) * examples;
  const int64_t per_pass =
      options.internal_batch_size > 0 ? options.internal_batch_size : total_rows;
  Shape pass_shape = xc.shape();
  std::vector<double> total(static_cast<size_t>(examples * features), 0.0);
  for (int64_t first = 0; first < total_rows; first += per_pass) {
    const int64_t rows = std::min(per_pass, total_rows - first);
    pass_shape[0] = rows;
    Tensor path = empty(pass_shape, xc.dtype(), xc.device());
    dispatch_float(xc.dtype(), [&]<typename T>() {
      fill_path_points(xc.data<T>(), base.data<T>(), examples, features, points.alphas, first, rows,
                       path.data<T>());
    });
    Tensor gradient =
        target_gradient(model, path, target.for_rows(first, rows, examples)).gradient.contiguous();
    dispatch_float(xc.dtype(), [&]<typename T>() {
      accumulate_weighted(gradient.data<T>(), examples, features, points.weights, first, rows,
                          total.data());
    });
  }
  if (options.multiply_by_inputs) {
    dispatch_float(xc.dtype(), [&]<typename T>() {
      const T *xp = xc.data<T>(), *bp = base.data<T>();
      for (int64_t i = 0; i < examples * features; ++i)
        total[i] *= static_cast<double>(xp[i]) - static_cast<double>(bp[i]);
    });
  }
  Tensor attributions = from_vector(total, xc.shape(), xc.dtype());
  return {attributions, convergence_delta(model, attributions, xc, base, target)};
}

}  // namespace scidl::explain
