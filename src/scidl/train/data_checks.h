// The checks a training run makes of its data before anything is written, shared by `scidl
// train` (train/run.h) and the Python module's fit: the data in the model's type, every value
// finite, and a few rows through the model and the loss.
// Contract: each check throws std::invalid_argument naming the data (`what`), the example and
// the column at fault, and changes neither the model's weights nor its training mode.
#pragma once
#include <string>
#include <vector>

#include "scidl/data/dataset.h"
#include "scidl/nn/module.h"
#include "scidl/train/losses.h"

namespace scidl::train {

// Data loads as float32; a float64 model (model.dtype) takes its inputs, and its targets when
// they are values rather than class indices, in float64.
void cast_to_model_type(data::Dataset& d, DType dtype);

// The first non-finite value of a floating tensor [N, ...] as "example E, column C" (1-based
// examples, as a CSV's data rows; the column by name when `names` has one per column), or ""
// when all are finite.
std::string first_non_finite(const Tensor& t, const std::vector<std::string>& names);

// A few rows of `d` through the model and the loss, every value checked to be finite, and for a
// loss over class indices every label against the model's outputs: a nan in the data, targets of
// the wrong width, a class out of range or data in a type the model cannot take fail here, naming
// the data, rather than after a run's files are written.
void check_data_fits_model(nn::Module& model, const LossFn& loss, bool class_targets,
                           const data::Dataset& d, const std::string& what);

}  // namespace scidl::train
