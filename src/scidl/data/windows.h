// Sliding windows over trajectories for sequence models: k consecutive points in, the next point
// out. A trajectory is a run of consecutive rows with one group id; no window crosses two, so
// a split by group holds out whole trajectories.
#pragma once
#include "scidl/data/dataset.h"

namespace scidl::data {

// series [R, F] (rows in time order), groups int64 [R] or undefined (one trajectory), window k:
// x [N, k, F] (rows t .. t+k-1 of one trajectory), y [N, F] (row t+k), groups [N] (its id).
// With difference = true, y is the step row t+k minus row t+k-1 instead: a model then learns the
// local dynamics (a velocity), which carries over to other places in the state space, and a
// roll-out adds its prediction to the last point.
// Throws, naming the sizes, when no trajectory is longer than k rows, or a group's rows are not
// consecutive (a trajectory split in two would silently make windows across its pieces).
Dataset make_windows(const Tensor& series, const Tensor& groups, int64_t k,
                     bool difference = false);

}  // namespace scidl::data
