// What TensorBoard's IMAGES tab shows of an image classifier: its first validation examples in a
// grid, each captioned with the class the model predicts and the true class ("pred 7" over
// "true 1", red when they differ), drawn with the model as it is at that epoch.
// Contract: returns nullopt unless the data are images ([N, C, H, W], not graphs) and the model
// gives one score per class ([N, K], K >= 2). Each image is stretched to its own value range
// (inputs are often standardised) and drawn in grey (RGB when C is 3). Runs the model in eval
// mode without recording gradients and leaves its training flag as it was.
#pragma once
#include <optional>

#include "scidl/data/dataset.h"
#include "scidl/io/plot_png.h"
#include "scidl/nn/module.h"

namespace scidl::train {

std::optional<io::RgbImage> prediction_examples_image(nn::Module& model,
                                                      const data::Dataset& examples,
                                                      int64_t count = 8);

}  // namespace scidl::train
