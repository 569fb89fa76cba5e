#include "scidl/nn/pool.h"

#include <fmt/format.h>

#include "scidl/ops/spatial_dropout.h"

namespace scidl::nn {

namespace {

std::string describe_pool(const char* name, const Pool2dOptions& o) {
  const int64_t sh = o.stride[0] == 0 ? o.kernel[0] : o.stride[0];
  const int64_t sw = o.stride[1] == 0 ? o.kernel[1] : o.stride[1];
  return fmt::format("{}({}x{}, stride {}x{}, {})", name, o.kernel[0], o.kernel[1], sh, sw,
                     o.padding.mode == PaddingMode::Same ? "same" : "valid");
}

Shape pool_output(const char* name, const Pool2dOptions& o, const Shape& chw) {
  std::array<int64_t, 2> stride{o.stride[0] == 0 ? o.kernel[0] : o.stride[0],
                                o.stride[1] == 0 ? o.kernel[1] : o.stride[1]};
  WindowPlan w = plan_window(name, chw.at(1), chw.at(2), o.kernel, stride, {1, 1}, o.padding);
  return {chw.at(0), w.out_height, w.out_width};
}

}  // namespace

std::string MaxPool2d::describe() const { return describe_pool("MaxPool2d", o_); }
Shape MaxPool2d::output_shape(const Shape& chw) const { return pool_output("max_pool2d", o_, chw); }
std::string AvgPool2d::describe() const { return describe_pool("AvgPool2d", o_); }
Shape AvgPool2d::output_shape(const Shape& chw) const { return pool_output("avg_pool2d", o_, chw); }

Tensor Dropout2d::forward(const Tensor& x) { return dropout2d(x, p_, is_training(), gen_); }
std::string Dropout2d::describe() const { return fmt::format("Dropout2d({})", p_); }

}  // namespace scidl::nn
