// Built-in generated regression data, so the main job needs no files: damped harmonic
// oscillators x(t) = exp(-gamma t) cos(omega t), one trajectory per (omega, gamma) drawn from
// a seed. Inputs (t, omega, gamma), target x; the group column is the trajectory id, so
// validation can hold out whole trajectories.
#pragma once
#include "scidl/data/dataset.h"

namespace scidl::data {

Dataset damped_oscillator_dataset(int64_t trajectories, int64_t points_per_trajectory,
                                  uint64_t seed, DType dtype = DType::Float32);

}  // namespace scidl::data
