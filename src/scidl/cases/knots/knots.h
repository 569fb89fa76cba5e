// The knot-signature case (Davies et al., Nature 600, 70, 2021): hyperbolic invariants of census
// knots (computed by tools/make_knot_dataset.py with SnapPy) predict the signature, an even
// integer. Here: the invariants' names, the train/test split with standardised features that
// `scidl knots prepare` writes, and the paper's slope rule, sigma ~ Re(lambda / mu) / 2 rounded to
// an even integer (lambda the longitudinal, mu the meridional translation of the maximal cusp).
// Contract: KnotTable holds raw invariants row-major in knot_invariant_names() order; split and
// standardise never reorder columns; every function is deterministic for a given seed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace scidl::sci {

// The 12 invariants of the dataset, in the paper's spelling. Of the paper's 17, the two torsion
// degrees need SageMath and the three shortest-geodesic ones (injectivity radius, short geodesic
// real and imaginary parts) cost SnapPy ten times the rest and fail on half the census; see
// tools/make_knot_dataset.py.
const std::vector<std::string>& knot_invariant_names();

struct KnotTable {
  int64_t rows = 0;
  std::vector<double> invariants;  // rows x knot_invariant_names().size(), raw values
  std::vector<int64_t> signatures;
};

// slope = Re(lambda / mu) for a real longitudinal translation lambda and complex meridional
// translation mu = meridian_real + i meridian_imag.
double knot_slope(double longitudinal, double meridian_real, double meridian_imag);
// The even integer nearest slope / 2 (the slope rule's prediction of the signature).
int64_t slope_rule_signature(double slope);

struct SlopeRuleScore {
  int64_t knots = 0;
  int64_t correct = 0;     // slope rule == signature
  int64_t within_two = 0;  // |slope rule - signature| <= 2
  double accuracy() const { return knots ? double(correct) / double(knots) : 0.0; }
};
SlopeRuleScore score_slope_rule(const KnotTable& table);

// Classes of the classifier: the even signatures from the smallest to the largest in the table,
// class k standing for smallest + 2k.
struct SignatureClasses {
  int64_t smallest = 0, count = 0;
  int64_t class_of(int64_t signature) const { return (signature - smallest) / 2; }
  int64_t signature_of(int64_t k) const { return smallest + 2 * k; }
};
// Throws std::invalid_argument when a signature is odd (knot signatures are even).
SignatureClasses signature_classes(const std::vector<int64_t>& signatures);

struct KnotSplit {
  std::vector<int64_t> train_rows, test_rows;  // into the table, each in shuffled order
  std::vector<double> mean, stddev;            // per invariant, of the training rows
};
// A random split (test_fraction of the rows to test) and the training rows' mean and population
// standard deviation per invariant (1 where a column is constant).
KnotSplit split_knots(const KnotTable& table, double test_fraction, uint64_t seed);

}  // namespace scidl::sci
