#include "scidl/explain/integer_formula.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/explain/target_gradient.h"

namespace scidl::explain {

namespace {

// Solves the symmetric system a z = b (n x n, row-major) by Gaussian elimination with partial
// pivoting; throws when a pivot vanishes relative to the matrix scale.
std::vector<double> solve(std::vector<double> a, std::vector<double> b, int64_t n) {
  double scale = 0.0;
  for (double v : a) scale = std::max(scale, std::abs(v));
  for (int64_t col = 0; col < n; ++col) {
    int64_t pivot = col;
    for (int64_t r = col + 1; r < n; ++r)
      if (std::abs(a[r * n + col]) > std::abs(a[pivot * n + col])) pivot = r;
    if (std::abs(a[pivot * n + col]) <= 1e-12 * scale)
      throw ExplainError(
          "integer formula: the chosen columns are collinear (the least-squares fit is "
          "singular); drop one of them");
    for (int64_t k = 0; k < n; ++k) std::swap(a[col * n + k], a[pivot * n + k]);
    std::swap(b[col], b[pivot]);
    for (int64_t r = col + 1; r < n; ++r) {
      const double f = a[r * n + col] / a[col * n + col];
      for (int64_t k = col; k < n; ++k) a[r * n + k] -= f * a[col * n + k];
      b[r] -= f * b[col];
    }
  }
  std::vector<double> z(n);
  for (int64_t r = n - 1; r >= 0; --r) {
    double s = b[r];
    for (int64_t k = r + 1; k < n; ++k) s -= a[r * n + k] * z[k];
    z[r] = s / a[r * n + r];
  }
  return z;
}

}  // namespace

IntegerFormula fit_integer_formula(const Tensor& x, const Tensor& y,
                                   const std::vector<int64_t>& columns,
                                   const std::vector<std::string>& names) {
  if (x.dim() != 2 || y.numel() != x.shape()[0])
    throw ExplainError(fmt::format("integer formula: expected x [N, F] and y [N], got {} and {}",
                                   shape_str(x.shape()), shape_str(y.shape())));
  const int64_t n = x.shape()[0], f = x.shape()[1], k = static_cast<int64_t>(columns.size());
  if (names.size() != columns.size())
    throw ExplainError(fmt::format("integer formula: {} names for {} columns", names.size(), k));
  for (int64_t c : columns)
    if (c < 0 || c >= f)
      throw ExplainError(fmt::format("integer formula: column {} is out of range 0..{}", c, f - 1));
  if (n <= k)
    throw ExplainError(fmt::format("integer formula: {} rows cannot fit {} terms", n, k + 1));
  auto xv = x.to_vector<double>();
  auto yv = y.to_vector<double>();
  const int64_t m = k + 1;  // the chosen columns and the intercept
  auto design = [&](int64_t row, int64_t term) {
    return term < k ? xv[row * f + columns[term]] : 1.0;
  };
  std::vector<double> normal(m * m, 0.0), rhs(m, 0.0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t i = 0; i < m; ++i) {
      rhs[i] += design(r, i) * yv[r];
      for (int64_t j = 0; j < m; ++j) normal[i * m + j] += design(r, i) * design(r, j);
    }
  IntegerFormula out;
  out.columns = columns;
  out.names = names;
  out.fitted = solve(normal, rhs, m);
  for (double c : out.fitted) out.rounded.push_back(static_cast<int64_t>(std::llround(c)));
  int64_t exact = 0;
  for (int64_t r = 0; r < n; ++r) {
    double prediction = 0.0;
    for (int64_t i = 0; i < m; ++i)
      prediction += static_cast<double>(out.rounded[i]) * design(r, i);
    const double residual = std::abs(yv[r] - prediction);
    out.max_residual = std::max(out.max_residual, residual);
    if (residual <= 1e-9 * std::max(1.0, std::abs(yv[r]))) ++exact;
  }
  out.exact_fraction = static_cast<double>(exact) / static_cast<double>(n);
  return out;
}

std::string IntegerFormula::text(const std::string& target_name) const {
  std::string terms;
  auto add = [&](int64_t c, const std::string& name) {
    if (c == 0) return;
    const int64_t magnitude = c < 0 ? -c : c;
    const std::string body = name.empty()     ? std::to_string(magnitude)
                             : magnitude == 1 ? name
                                              : std::to_string(magnitude) + "*" + name;
    if (terms.empty())
      terms = (c < 0 ? "-" : "") + body;
    else
      terms += (c < 0 ? " - " : " + ") + body;
  };
  for (size_t i = 0; i < names.size(); ++i) add(rounded[i], names[i]);
  add(rounded.back(), "");
  return target_name + " = " + (terms.empty() ? "0" : terms);
}

}  // namespace scidl::explain
