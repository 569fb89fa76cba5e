// From salience to a formula: a least-squares fit y ~ c0 + sum_i c_i x_i on a few chosen
// (salient) columns, its coefficients rounded to integers, and the rounded formula checked on
// every row. This is the step a mathematician takes after a salience ranking (Davies et al.):
// for random convex polyhedra, F from (E, V) gives F = E - V + 2.
// Contract: x is [N, F] and y is [N] or [N, 1] with N > number of chosen columns; the columns
// are distinct and in range; a singular fit (collinear columns) throws ExplainError.
#pragma once
#include <string>
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl::explain {

struct IntegerFormula {
  std::vector<int64_t> columns;    // which columns of x the formula uses
  std::vector<std::string> names;  // their names
  std::vector<double> fitted;      // least-squares coefficients, then the intercept
  std::vector<int64_t> rounded;    // the same rounded to integers
  double max_residual = 0.0;       // max |y - rounded formula| over the rows
  double exact_fraction = 0.0;     // rows where the rounded formula is exact (1e-9)
  std::string text(const std::string& target_name) const;  // "F = E - V + 2"
};

IntegerFormula fit_integer_formula(const Tensor& x, const Tensor& y,
                                   const std::vector<int64_t>& columns,
                                   const std::vector<std::string>& names);

}  // namespace scidl::explain
