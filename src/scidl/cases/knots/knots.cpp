#include "scidl/cases/knots/knots.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numeric>
#include <random>
#include <stdexcept>

namespace scidl::sci {

const std::vector<std::string>& knot_invariant_names() {
  static const std::vector<std::string> names{"chern_simons",
                                              "cusp_volume",
                                              "longitudinal_translation",
                                              "meridinal_translation_imag",
                                              "meridinal_translation_real",
                                              "Symmetry_0",
                                              "Symmetry_D3",
                                              "Symmetry_D4",
                                              "Symmetry_D6",
                                              "Symmetry_D8",
                                              "Symmetry_Z/2 + Z/2",
                                              "volume"};
  return names;
}

namespace {
int64_t column(const std::string& name) {
  const auto& names = knot_invariant_names();
  return std::find(names.begin(), names.end(), name) - names.begin();
}
}  // namespace

double knot_slope(double longitudinal, double meridian_real, double meridian_imag) {
  return (longitudinal / std::complex<double>(meridian_real, meridian_imag)).real();
}

int64_t slope_rule_signature(double slope) {
  return 2 * static_cast<int64_t>(std::llround(slope / 4.0));
}

SlopeRuleScore score_slope_rule(const KnotTable& table) {
  const auto width = static_cast<int64_t>(knot_invariant_names().size());
  const int64_t lon = column("longitudinal_translation"), re = column("meridinal_translation_real"),
                im = column("meridinal_translation_imag");
  SlopeRuleScore score;
  for (int64_t i = 0; i < table.rows; ++i) {
    const double* row = &table.invariants[i * width];
    const double slope = knot_slope(row[lon], row[re], row[im]);
    const int64_t predicted = slope_rule_signature(slope);
    const int64_t sigma = table.signatures[i];
    ++score.knots;
    score.correct += predicted == sigma;
    score.within_two += std::llabs(predicted - sigma) <= 2;
  }
  return score;
}

SignatureClasses signature_classes(const std::vector<int64_t>& signatures) {
  if (signatures.empty()) throw std::invalid_argument("no signatures to make classes of");
  for (size_t i = 0; i < signatures.size(); ++i)
    if (signatures[i] % 2 != 0)
      throw std::invalid_argument(fmt::format(
          "row {}: signature {} is odd, but knot signatures are even; the data is not a knot "
          "table",
          i + 1, signatures[i]));
  auto [lo, hi] = std::minmax_element(signatures.begin(), signatures.end());
  return {*lo, (*hi - *lo) / 2 + 1};
}

KnotSplit split_knots(const KnotTable& table, double test_fraction, uint64_t seed) {
  if (!(test_fraction > 0 && test_fraction < 1))
    throw std::invalid_argument(fmt::format("test fraction {} must be in (0, 1)", test_fraction));
  std::vector<int64_t> order(table.rows);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 engine(seed);
  for (int64_t i = table.rows - 1; i > 0; --i)  // Fisher-Yates, the same on every platform
    std::swap(order[i], order[engine() % static_cast<uint64_t>(i + 1)]);
  const auto test = static_cast<int64_t>(std::llround(test_fraction * double(table.rows)));
  KnotSplit split;
  split.test_rows.assign(order.begin(), order.begin() + test);
  split.train_rows.assign(order.begin() + test, order.end());
  if (split.train_rows.empty() || split.test_rows.empty())
    throw std::invalid_argument(fmt::format("{} knots are too few to split {:.0f}% to test",
                                            table.rows, 100 * test_fraction));
  const auto width = static_cast<int64_t>(knot_invariant_names().size());
  split.mean.assign(width, 0.0);
  split.stddev.assign(width, 0.0);
  const double n = double(split.train_rows.size());
  for (int64_t r : split.train_rows)
    for (int64_t j = 0; j < width; ++j) split.mean[j] += table.invariants[r * width + j] / n;
  for (int64_t r : split.train_rows)
    for (int64_t j = 0; j < width; ++j)
      split.stddev[j] += std::pow(table.invariants[r * width + j] - split.mean[j], 2) / n;
  for (auto& s : split.stddev) s = s > 0 ? std::sqrt(s) : 1.0;
  return split;
}

}  // namespace scidl::sci
