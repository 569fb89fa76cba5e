// The image side of `scidl explain`: loading images to explain (IDX, gzip or plain, scaled to
// [0, 1] as scidl's loaders do; or CSV with one flattened image per row, in the model's units)
// with optional labels, checking them against the model's input shape, and drawing the
// attribution heatmaps (explain/attribution_heatmap.h) with captions.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl::cli {

struct ImageInputs {
  Tensor x;                     // [N, C, H, W]
  std::vector<int64_t> labels;  // empty without --labels
};

// Throws ExplainError naming the file and both shapes when the images do not fit the model.
ImageInputs load_image_inputs(const std::string& data, const std::string& labels,
                              const nlohmann::json& spec, DType dtype, int64_t limit);

// "p{row}_{col}" for one channel, "c{channel}_p{row}_{col}" for more: attributions.csv's header.
std::vector<std::string> pixel_names(const Shape& example);

// "fashion_mnist" or a comma-separated list; empty for none.
std::vector<std::string> parse_class_names(const std::string& text);

// Writes heatmaps.png and heatmaps.svg of the first `count` examples into `out`.
void write_image_heatmaps(const std::string& out, const ImageInputs& inputs,
                          const Tensor& attributions, const std::vector<int64_t>& predicted,
                          const std::vector<int64_t>& explained,
                          const std::vector<std::string>& class_names, int64_t count,
                          const std::string& title);

}  // namespace scidl::cli
