// The confusion matrix as a picture: rows the true class, columns the predicted one, each
// labelled with its class name (cut to 14 characters; column names turned to read upwards when
// they are wider than a cell), the count in every cell, axis titles "true class" and
// "predicted class", and cells shaded on the Blues scale by their share of the true class's
// examples, explained by a colour bar (io/plot_colorbar.h).
// Contract: `confusion` is K x K counts (K >= 1) and `class_names` holds K names; a row with no
// examples is white.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scidl/io/plot_png.h"

namespace scidl::io {

RgbImage render_confusion_image(const std::vector<std::vector<int64_t>>& confusion,
                                const std::vector<std::string>& class_names);

// A class name as the matrix prints it: the first 13 characters and "~" when longer than 14.
std::string abbreviated_class_name(const std::string& name);

}  // namespace scidl::io
