// How long the surrogate takes: one evaluation of a single point, and one batched evaluation
// of a whole trajectory's rows, each the median of repeated timed calls (no tape recorded), so
// the report can set them against the integrator's time per run.
// Contract: the model maps [N, 3] to [N, 4]; timing stops after `budget_seconds` per case (at
// least `min_repeats` calls), so it is quick on slow machines and stable on fast ones.
#pragma once
#include "scidl/nn/module.h"

namespace scidl::sci {

struct SurrogateTiming {
  double single_seconds = 0;  // median time of one call with one row
  int batch_rows = 0;
  double batch_seconds = 0;  // median time of one call with batch_rows rows
  double per_point_batched() const { return batch_seconds / batch_rows; }
};

SurrogateTiming time_surrogate(nn::Module& model, int batch_rows, double budget_seconds = 0.5,
                               int min_repeats = 5);

}  // namespace scidl::sci
