// The convolution, pooling, spatial dropout and batch norm ops, registered with the harness
// (op_harness.h) beside the rest in op_cases.cpp.
#include <cmath>

#include "op_harness.h"
#include "scidl/ops/conv.h"
#include "scidl/ops/pool.h"
#include "scidl/ops/spatial_dropout.h"

namespace scidl::testing {
namespace {

using In = std::vector<Tensor>;

// ---- convolution and pooling (cnn) ---------------------------------------------------------
// Batches of 1 run images one by one on multi-threaded BLAS, larger ones split images over
// threads; both paths are covered, as are strides, dilation, every padding and the 1x1 path.
In conv_inputs(Generator& g, Shape x, Shape w, bool bias) {
  In in{random_input(g, x, -1, 1), random_input(g, w, -1, 1)};
  if (bias) in.push_back(random_input(g, {w[0]}, -1, 1));
  return in;
}
Tensor conv_of(const In& x, Conv2dOptions o, Activation act = Activation::None) {
  return conv2d(x[0], x[1], x.size() > 2 ? x[2] : Tensor(), o, act);
}

REGISTER_OP(
    "conv2d_valid_bias",
    [](Generator& g) {
      return conv_inputs(g, {3, 2, 6, 5}, {4, 2, 3, 3}, true);
    },
    [](const In& x) { return conv_of(x, {}); });
REGISTER_OP(
    "conv2d_single_image",
    [](Generator& g) {
      return conv_inputs(g, {1, 3, 5, 6}, {2, 3, 2, 3}, true);
    },
    [](const In& x) { return conv_of(x, {}); });
REGISTER_OP(
    "conv2d_same_stride2_dilation2",
    [](Generator& g) {
      return conv_inputs(g, {2, 2, 7, 6}, {3, 2, 3, 2}, true);
    },
    [](const In& x) {
      return conv_of(x, {{2, 2}, Padding2d::same(), {2, 2}});
    });
REGISTER_OP(
    "conv2d_same_stride1_even_kernel",
    [](Generator& g) {
      return conv_inputs(g, {2, 2, 5, 5}, {3, 2, 2, 4}, false);
    },
    [](const In& x) {
      return conv_of(x, {{1, 1}, Padding2d::same(), {1, 1}});
    });
REGISTER_OP(
    "conv2d_explicit_padding_stride",
    [](Generator& g) {
      return conv_inputs(g, {2, 3, 5, 7}, {2, 3, 3, 3}, true);
    },
    [](const In& x) {
      return conv_of(x, {{2, 3}, Padding2d{PaddingMode::Explicit, 1, 2, 2, 0}, {1, 1}});
    });
REGISTER_OP(
    "conv2d_pointwise",
    [](Generator& g) {
      return conv_inputs(g, {3, 4, 3, 5}, {5, 4, 1, 1}, true);
    },
    [](const In& x) { return conv_of(x, {}); });
REGISTER_OP(
    "conv2d_relu_fused",
    [](Generator& g) {
      return conv_inputs(g, {2, 2, 5, 5}, {3, 2, 3, 3}, true);
    },
    [](const In& x) {
      return conv_of(x, {{1, 1}, Padding2d::same(), {1, 1}}, Activation::Relu);
    });
REGISTER_OP(
    "conv2d_tanh_fused",
    [](Generator& g) {
      return conv_inputs(g, {2, 2, 4, 4}, {2, 2, 3, 3}, false);
    },
    [](const In& x) { return conv_of(x, {}, Activation::Tanh); });

In image(Generator& g, Shape s) { return {random_input(g, s)}; }
REGISTER_OP(
    "max_pool2d_2x2",
    [](Generator& g) {
      return image(g, {2, 3, 6, 5});
    },
    [](const In& x) { return max_pool2d(x[0]); });
REGISTER_OP(
    "max_pool2d_same_3x3_stride2",
    [](Generator& g) {
      return image(g, {2, 2, 7, 6});
    },
    [](const In& x) {
      return max_pool2d(x[0], {{3, 3}, {2, 2}, Padding2d::same()});
    });
REGISTER_OP(
    "avg_pool2d_2x2",
    [](Generator& g) {
      return image(g, {2, 3, 6, 5});
    },
    [](const In& x) { return avg_pool2d(x[0]); });
REGISTER_OP(
    "avg_pool2d_same_3x2_stride1",
    [](Generator& g) {
      return image(g, {2, 2, 5, 6});
    },
    [](const In& x) {
      return avg_pool2d(x[0], {{3, 2}, {1, 1}, Padding2d::same()});
    });
REGISTER_OP(
    "global_avg_pool2d",
    [](Generator& g) {
      return image(g, {3, 4, 3, 5});
    },
    [](const In& x) { return global_avg_pool2d(x[0]); });
REGISTER_OP(
    "dropout2d",
    [](Generator& g) {
      return image(g, {3, 4, 3, 2});
    },
    [](const In& x) {
      Generator mask(7);  // the same channels dropped on every call
      return dropout2d(x[0], 0.5, true, mask);
    });

}  // namespace
}  // namespace scidl::testing

// ---- batch norm -----------------------------------------------------------------------------
#include "scidl/ops/batch_norm.h"

namespace scidl::testing {
namespace {

using BatchNormIn = std::vector<Tensor>;

// x [N, C, *], weight [C], bias [C]; channels with different means and spreads.
BatchNormIn batch_norm_inputs(Generator& g, const Shape& shape) {
  const int64_t c = shape[1];
  Shape view(shape.size(), 1);
  view[1] = c;
  Tensor x = random_input(g, shape) * random_input(g, view, 0.5, 2) + random_input(g, view, -1, 1);
  return {x.contiguous(), random_input(g, {c}, 0.5, 1.5), random_input(g, {c}, -0.5, 0.5)};
}

// Fixed running statistics in the input's dtype, so evaluation mode is a pure function.
Tensor batch_norm_eval(const BatchNormIn& x) {
  const int64_t c = x[0].size(1);
  Tensor mean = arange(c).to(x[0].dtype()) * 0.1;
  Tensor var = arange(c).to(x[0].dtype()) * 0.2 + 0.5;
  return batch_norm(x[0], x[1], x[2], mean, var, false);
}

REGISTER_OP(
    "batch_norm_train_nc",
    [](Generator& g) {
      return batch_norm_inputs(g, {6, 3});
    },
    [](const BatchNormIn& x) { return batch_norm(x[0], x[1], x[2], Tensor(), Tensor(), true); },
    1e-5);
REGISTER_OP(
    "batch_norm_train_ncl",
    [](Generator& g) {
      return batch_norm_inputs(g, {3, 2, 4});
    },
    [](const BatchNormIn& x) { return batch_norm(x[0], x[1], x[2], Tensor(), Tensor(), true); },
    1e-5);
REGISTER_OP(
    "batch_norm_train_nchw",
    [](Generator& g) {
      return batch_norm_inputs(g, {2, 3, 3, 2});
    },
    [](const BatchNormIn& x) { return batch_norm(x[0], x[1], x[2], Tensor(), Tensor(), true); },
    1e-5);
REGISTER_OP(
    "batch_norm_train_no_affine",
    [](Generator& g) {
      return batch_norm_inputs(g, {5, 2});
    },
    [](const BatchNormIn& x) {
      return batch_norm(x[0], Tensor(), Tensor(), Tensor(), Tensor(), true);
    },
    1e-5);
REGISTER_OP(
    "batch_norm_eval_nchw",
    [](Generator& g) {
      return batch_norm_inputs(g, {2, 3, 2, 2});
    },
    batch_norm_eval);

}  // namespace
}  // namespace scidl::testing
