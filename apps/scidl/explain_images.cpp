#include "explain_images.h"

#include <fmt/format.h>

#include "scidl/data/csv.h"
#include "scidl/data/fashion_mnist.h"
#include "scidl/data/idx.h"
#include "scidl/explain/explain.h"
#include "scidl/nn/model_spec.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::cli {

using explain::ExplainError;

namespace {

bool is_csv(const std::string& path) {
  for (const char* end : {".csv", ".csv.gz", ".txt"})
    if (path.size() >= std::string(end).size() &&
        path.compare(path.size() - std::string(end).size(), std::string::npos, end) == 0)
      return true;
  return false;
}

std::vector<int64_t> read_labels(const std::string& path) {
  std::vector<double> values;
  if (is_csv(path)) {
    auto table = data::read_csv(path);
    if (table.cols != 1)
      throw ExplainError(
          fmt::format("--labels '{}' must have one column, it has {}", path, table.cols));
    values = table.values;
  } else {
    values = data::idx_to_tensor(data::read_idx(path), DType::Float64).to_vector<double>();
  }
  return {values.begin(), values.end()};
}

std::string class_label(int64_t k, const std::vector<std::string>& names) {
  if (k >= 0 && k < static_cast<int64_t>(names.size())) return fmt::format("{} {}", k, names[k]);
  return std::to_string(k);
}

}  // namespace

ImageInputs load_image_inputs(const std::string& data, const std::string& labels,
                              const nlohmann::json& spec, DType dtype, int64_t limit) {
  const Shape example = nn::model_input_shape(spec);
  const int64_t pixels = numel_of(example);
  ImageInputs in;
  if (is_csv(data)) {
    auto table = data::read_csv(data);
    if (table.cols != pixels)
      throw ExplainError(fmt::format(
          "'{}' has {} values per row but the model takes images of shape {} ({} values); give "
          "one flattened image per row (row-major, channels first)",
          data, table.cols, shape_str(example), pixels));
    Shape shape{table.rows};
    shape.insert(shape.end(), example.begin(), example.end());
    in.x = from_vector(table.values, shape, dtype);
  } else {
    auto array = data::read_idx(data);
    Shape dims = array.dims;
    if (dims.size() == 3) dims.insert(dims.begin() + 1, 1);  // [N, H, W]: one channel
    if (dims.size() != 4)
      throw ExplainError(fmt::format(
          "'{}' holds an IDX array of shape {}; images to explain are [N, H, W] or [N, C, H, W]",
          data, shape_str(array.dims)));
    Shape got(dims.begin() + 1, dims.end());
    if (got != example)
      throw ExplainError(fmt::format(
          "'{}' holds images of shape {} but the model takes images of shape {}; explain it "
          "with images of the size it was trained on",
          data, shape_str(got), shape_str(example)));
    in.x = reshape(data::idx_to_tensor(array, dtype, 1.0 / 255.0), dims);
  }
  const int64_t n = in.x.shape()[0];
  if (n < 1) throw ExplainError(fmt::format("'{}' has no images to explain", data));
  if (!labels.empty()) {
    in.labels = read_labels(labels);
    if (static_cast<int64_t>(in.labels.size()) != n)
      throw ExplainError(fmt::format("--labels '{}' has {} labels for the {} images of '{}'",
                                     labels, in.labels.size(), n, data));
  }
  if (limit > 0 && limit < n) {
    in.x = slice(in.x, 0, 0, limit).contiguous();
    if (!in.labels.empty()) in.labels.resize(limit);
  }
  return in;
}

std::vector<std::string> pixel_names(const Shape& example) {
  std::vector<std::string> names;
  for (int64_t c = 0; c < example[0]; ++c)
    for (int64_t r = 0; r < example[1]; ++r)
      for (int64_t k = 0; k < example[2]; ++k)
        names.push_back(example[0] == 1 ? fmt::format("p{}_{}", r, k)
                                        : fmt::format("c{}_p{}_{}", c, r, k));
  return names;
}

std::vector<std::string> parse_class_names(const std::string& text) {
  if (text.empty()) return {};
  if (text == "fashion_mnist") return data::fashion_mnist_classes();
  std::vector<std::string> names;
  size_t at = 0;
  while (true) {
    size_t comma = text.find(',', at);
    names.push_back(text.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return names;
}

void write_image_heatmaps(const std::string& out, const ImageInputs& inputs,
                          const Tensor& attributions, const std::vector<int64_t>& predicted,
                          const std::vector<int64_t>& explained,
                          const std::vector<std::string>& class_names, int64_t count,
                          const std::string& title) {
  explain::HeatmapGrid grid;
  grid.images = inputs.x;
  grid.attributions = reshape(attributions, inputs.x.shape());
  grid.examples = count;
  grid.title = title;
  const int64_t shown = std::min(count, inputs.x.shape()[0]);
  for (int64_t i = 0; i < shown; ++i) {
    explain::HeatmapCaption caption;
    if (!inputs.labels.empty()) {
      caption.digits = fmt::format("{}>{}", inputs.labels[i], predicted[i]);
      caption.text =
          fmt::format("label {}, predicted {}", class_label(inputs.labels[i], class_names),
                      class_label(predicted[i], class_names));
    } else {
      caption.digits = std::to_string(predicted[i]);
      caption.text = fmt::format("predicted {}", class_label(predicted[i], class_names));
    }
    if (explained[i] != predicted[i])
      caption.text += fmt::format("; explaining {}", class_label(explained[i], class_names));
    grid.captions.push_back(caption);
  }
  explain::write_heatmaps(out, grid);
}

}  // namespace scidl::cli
