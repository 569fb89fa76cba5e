// Every differentiable op, registered once with the harness (op_harness.h); the CNN ops are
// in op_cases_cnn.cpp.
#include <cmath>

#include "op_harness.h"

namespace scidl::testing {
namespace {

using In = std::vector<Tensor>;

Tensor class_indices(Generator& gen, const Shape& shape, int64_t classes) {
  std::vector<int64_t> v(numel_of(shape));
  for (auto& c : v) c = static_cast<int64_t>(gen.next_u64() % classes);
  return from_vector(v, shape);
}

// ---- binary with broadcasting -------------------------------------------------------------
In broadcast_pair(Generator& g) {
  Shape s = random_shape(g);
  return {random_input(g, s), random_input(g, broadcastable_to(g, s))};
}
In positive_pair(Generator& g) {
  Shape s = random_shape(g);
  return {random_input(g, s, 0.5, 2), random_input(g, broadcastable_to(g, s), 0.5, 2)};
}
In distinct_pair(Generator& g) {  // no near-ties, so max/min are differentiable
  Shape s = random_shape(g);
  Tensor a = random_input(g, s);
  Tensor b = random_input(g, broadcastable_to(g, s));
  Tensor d = sign(expand(b, s).contiguous() - a);
  return {a, b + 0.0 * sum(d)};  // same values; shapes kept
}

REGISTER_OP(
    "add", broadcast_pair, [](const In& x) { return x[0] + x[1]; },
    [](const std::vector<double>& v) { return v[0] + v[1]; });
REGISTER_OP(
    "sub", broadcast_pair, [](const In& x) { return x[0] - x[1]; },
    [](const std::vector<double>& v) { return v[0] - v[1]; });
REGISTER_OP(
    "mul", broadcast_pair, [](const In& x) { return x[0] * x[1]; },
    [](const std::vector<double>& v) { return v[0] * v[1]; });
REGISTER_OP(
    "div", positive_pair, [](const In& x) { return x[0] / x[1]; },
    [](const std::vector<double>& v) { return v[0] / v[1]; });
REGISTER_OP(
    "pow_tensor", positive_pair, [](const In& x) { return pow(x[0], x[1]); },
    [](const std::vector<double>& v) { return std::pow(v[0], v[1]); });
REGISTER_OP(
    "maximum", distinct_pair, [](const In& x) { return maximum(x[0], x[1]); },
    [](const std::vector<double>& v) { return std::max(v[0], v[1]); }, 1e-5);
REGISTER_OP(
    "minimum", distinct_pair, [](const In& x) { return minimum(x[0], x[1]); },
    [](const std::vector<double>& v) { return std::min(v[0], v[1]); }, 1e-5);

// ---- unary ----------------------------------------------------------------------------------
In any_values(Generator& g) { return {random_input(g, random_shape(g))}; }
In positive_values(Generator& g) { return {random_input(g, random_shape(g), 0.3, 3)}; }
In off_zero(Generator& g) { return {away_from(g, random_shape(g), {0.0})}; }
In off_clamp_bounds(Generator& g) { return {away_from(g, random_shape(g), {-0.5, 1.0})}; }

REGISTER_OP(
    "affine", any_values, [](const In& x) { return 3.0 * x[0] - 1.5; },
    [](const std::vector<double>& v) { return 3 * v[0] - 1.5; });
REGISTER_OP(
    "neg", any_values, [](const In& x) { return -x[0]; },
    [](const std::vector<double>& v) { return -v[0]; });
REGISTER_OP(
    "exp", any_values, [](const In& x) { return exp(x[0]); },
    [](const std::vector<double>& v) { return std::exp(v[0]); });
REGISTER_OP(
    "log", positive_values, [](const In& x) { return log(x[0]); },
    [](const std::vector<double>& v) { return std::log(v[0]); });
REGISTER_OP(
    "sqrt", positive_values, [](const In& x) { return sqrt(x[0]); },
    [](const std::vector<double>& v) { return std::sqrt(v[0]); });
REGISTER_OP(
    "abs", off_zero, [](const In& x) { return abs(x[0]); },
    [](const std::vector<double>& v) { return std::abs(v[0]); });
REGISTER_OP(
    "square", any_values, [](const In& x) { return square(x[0]); },
    [](const std::vector<double>& v) { return v[0] * v[0]; });
REGISTER_OP(
    "pow_scalar", positive_values, [](const In& x) { return pow(x[0], 2.5); },
    [](const std::vector<double>& v) { return std::pow(v[0], 2.5); });
REGISTER_OP(
    "clamp", off_clamp_bounds, [](const In& x) { return clamp(x[0], -0.5, 1.0); },
    [](const std::vector<double>& v) { return std::clamp(v[0], -0.5, 1.0); });
REGISTER_OP(
    "relu", off_zero, [](const In& x) { return relu(x[0]); },
    [](const std::vector<double>& v) { return std::max(v[0], 0.0); });
REGISTER_OP(
    "leaky_relu", off_zero, [](const In& x) { return leaky_relu(x[0], 0.1); },
    [](const std::vector<double>& v) { return v[0] > 0 ? v[0] : 0.1 * v[0]; });
REGISTER_OP(
    "elu", off_zero, [](const In& x) { return elu(x[0], 0.7); },
    [](const std::vector<double>& v) { return v[0] > 0 ? v[0] : 0.7 * std::expm1(v[0]); });
REGISTER_OP(
    "sigmoid", any_values, [](const In& x) { return sigmoid(x[0]); },
    [](const std::vector<double>& v) { return 1 / (1 + std::exp(-v[0])); });
REGISTER_OP(
    "tanh", any_values, [](const In& x) { return tanh(x[0]); },
    [](const std::vector<double>& v) { return std::tanh(v[0]); });
REGISTER_OP(
    "gelu", any_values, [](const In& x) { return gelu(x[0]); },
    [](const std::vector<double>& v) {
      return 0.5 * v[0] * (1 + std::erf(v[0] / std::sqrt(2.0)));
    });
REGISTER_OP(
    "gelu_tanh", any_values, [](const In& x) { return gelu(x[0], true); },
    [](const std::vector<double>& v) {
      const double k = std::sqrt(2 / M_PI);
      return 0.5 * v[0] * (1 + std::tanh(k * (v[0] + 0.044715 * v[0] * v[0] * v[0])));
    });
REGISTER_OP(
    "silu", any_values, [](const In& x) { return silu(x[0]); },
    [](const std::vector<double>& v) { return v[0] / (1 + std::exp(-v[0])); });

REGISTER_OP(
    "where",
    [](Generator& g) {
      Shape s = random_shape(g);
      return In{bernoulli(broadcastable_to(g, s), 0.5, DType::Float64, g), random_input(g, s),
                random_input(g, broadcastable_to(g, s))};
    },
    [](const In& x) { return where(x[0], x[1], x[2]); },
    [](const std::vector<double>& v) { return v[0] != 0 ? v[1] : v[2]; });

// ---- matrix products ------------------------------------------------------------------------
REGISTER_OP(
    "matmul_2d",
    [](Generator& g) {
      int64_t m = 1 + g.next_u64() % 5, k = 1 + g.next_u64() % 5, n = 1 + g.next_u64() % 5;
      return In{random_input(g, {m, k}), random_input(g, {k, n})};
    },
    [](const In& x) { return matmul(x[0], x[1]); });
REGISTER_OP(
    "matmul_batched_broadcast",
    [](Generator& g) {
      return In{random_input(g, {2, 1, 3, 4}), random_input(g, {3, 4, 2})};
    },
    [](const In& x) { return matmul(x[0], x[1]); });
REGISTER_OP(
    "matmul_vector",
    [](Generator& g) {
      return In{random_input(g, {4}), random_input(g, {2, 4, 3})};
    },
    [](const In& x) { return matmul(x[0], x[1]); });
REGISTER_OP(
    "matmul_transposed_views",
    [](Generator& g) {
      return In{random_input(g, {4, 3}), random_input(g, {5, 4})};
    },
    [](const In& x) { return matmul(transpose(x[0], 0, 1), transpose(x[1], 0, 1)); });
In linear_inputs(Generator& g) {
  return {random_input(g, {2, 3, 4}), random_input(g, {5, 4}), random_input(g, {5})};
}
REGISTER_OP("linear", linear_inputs, [](const In& x) { return linear(x[0], x[1], x[2]); });
REGISTER_OP(
    "linear_relu",
    [](Generator& g) {  // keep pre-activations away from the kink
      Tensor w = random_input(g, {5, 4});
      return In{away_from(g, {6, 4}, {0.0}, 0.3), w, away_from(g, {5}, {0.0}, 0.5)};
    },
    [](const In& x) { return linear(x[0], x[1], x[2], Activation::Relu); }, 1e-4);
REGISTER_OP("linear_tanh", linear_inputs,
            [](const In& x) { return linear(x[0], x[1], x[2], Activation::Tanh); });
REGISTER_OP("linear_sigmoid_no_bias", linear_inputs,
            [](const In& x) { return linear(x[0], x[1], Tensor(), Activation::Sigmoid); });

// ---- reductions -----------------------------------------------------------------------------
In rank3(Generator& g) { return {random_input(g, random_shape(g, 3, 3))}; }
REGISTER_OP("sum_all", rank3, [](const In& x) { return sum(x[0]); });
REGISTER_OP("sum_dims", rank3, [](const In& x) { return sum(x[0], {0, 2}); });
REGISTER_OP("sum_keepdim", rank3, [](const In& x) { return sum(x[0], {1}, true); });
REGISTER_OP("sum_last", rank3, [](const In& x) { return sum(x[0], {-1}); });
REGISTER_OP("mean_dims", rank3, [](const In& x) { return mean(x[0], {1}); });
REGISTER_OP("max_dim", rank3, [](const In& x) { return max(x[0], {1}); });
REGISTER_OP("min_all", rank3, [](const In& x) { return min(x[0]); });
REGISTER_OP("min_dims_keepdim", rank3, [](const In& x) { return min(x[0], {0, 2}, true); });
REGISTER_OP("max_all", rank3, [](const In& x) { return max(x[0]); });
// Kept dims in the middle (per-channel statistics of NCHW batches): the [outer, mid, inner] path.
In rank4(Generator& g) { return {random_input(g, random_shape(g, 4, 4))}; }
REGISTER_OP("sum_per_channel", rank4, [](const In& x) { return sum(x[0], {0, 2, 3}, true); });
REGISTER_OP("max_middle", rank3, [](const In& x) { return max(x[0], {0, 2}); });
REGISTER_OP("sum_middle_pair", rank4, [](const In& x) { return sum(x[0], {0, 3}); });

// ---- softmax, dropout -----------------------------------------------------------------------
REGISTER_OP("softmax_last", rank3, [](const In& x) { return softmax(x[0], -1); });
REGISTER_OP("softmax_dim0", rank3, [](const In& x) { return softmax(x[0], 0); });
REGISTER_OP("log_softmax", rank3, [](const In& x) { return log_softmax(x[0], 1); });
REGISTER_OP("dropout", rank3, [](const In& x) {
  Generator g(7);  // the same mask on every call, so finite differences see one function
  return dropout(x[0], 0.3, true, g);
});

// ---- shapes ---------------------------------------------------------------------------------
REGISTER_OP(
    "reshape",
    [](Generator& g) {
      return In{random_input(g, {2, 3, 4})};
    },
    [](const In& x) {
      return reshape(x[0], {4, -1});
    });
REGISTER_OP(
    "reshape_of_transpose",
    [](Generator& g) {
      return In{random_input(g, {3, 4})};
    },
    [](const In& x) { return reshape(transpose(x[0], 0, 1), {-1}); });
REGISTER_OP(
    "permute",
    [](Generator& g) {
      return In{random_input(g, {2, 3, 4})};
    },
    [](const In& x) {
      return permute(x[0], {2, 0, 1});
    });
REGISTER_OP(
    "slice_step",
    [](Generator& g) {
      return In{random_input(g, {3, 7})};
    },
    [](const In& x) { return slice(x[0], 1, 1, 6, 2); });
REGISTER_OP(
    "expand",
    [](Generator& g) {
      return In{random_input(g, {3, 1})};
    },
    [](const In& x) {
      return expand(x[0], {2, 3, 4});
    });
REGISTER_OP(
    "squeeze_unsqueeze",
    [](Generator& g) {
      return In{random_input(g, {3, 1, 2})};
    },
    [](const In& x) { return unsqueeze(squeeze(x[0], 1), 0); });
REGISTER_OP("flatten", rank3, [](const In& x) { return flatten(x[0]); });
REGISTER_OP(
    "concat",
    [](Generator& g) {
      return In{random_input(g, {2, 3}), random_input(g, {2, 1}), random_input(g, {2, 2})};
    },
    [](const In& x) {
      return concat({x[0], x[1], x[2]}, 1);
    });
REGISTER_OP(
    "stack",
    [](Generator& g) {
      return In{random_input(g, {2, 3}), random_input(g, {2, 3})};
    },
    [](const In& x) {
      return stack({x[0], x[1]}, 1);
    });

// ---- indexing -------------------------------------------------------------------------------
REGISTER_OP(
    "index_select",
    [](Generator& g) {
      return In{random_input(g, {4, 3}), from_vector<int64_t>({3, 0, 3, 1, 2}, {5})};
    },
    [](const In& x) { return index_select(x[0], 0, x[1]); });
REGISTER_OP(
    "index_select_dim1",
    [](Generator& g) {
      return In{random_input(g, {2, 4, 3}), from_vector<int64_t>({1, 1, 3}, {3})};
    },
    [](const In& x) { return index_select(x[0], 1, x[1]); });
REGISTER_OP(
    "gather",
    [](Generator& g) {
      return In{random_input(g, {3, 5}), class_indices(g, {3, 4}, 5)};
    },
    [](const In& x) { return gather(x[0], 1, x[1]); });
REGISTER_OP(
    "scatter_add",
    [](Generator& g) {
      return In{random_input(g, {4, 3}), class_indices(g, {6, 3}, 4), random_input(g, {6, 3})};
    },
    [](const In& x) { return scatter_add(x[0], 0, x[1], x[2]); });
// Graph aggregations: 7 messages into 5 nodes, node 3 receiving none (it must get 0), node 1
// three. For max, distinct values so the max is differentiable.
Tensor message_targets() { return from_vector<int64_t>({1, 0, 4, 1, 2, 1, 0}, {7}); }
REGISTER_OP(
    "scatter_sum",
    [](Generator& g) {
      return In{random_input(g, {7, 3}), message_targets()};
    },
    [](const In& x) { return scatter_sum(x[0], x[1], 5); });
REGISTER_OP(
    "scatter_mean",
    [](Generator& g) {
      return In{random_input(g, {7, 2, 2}), message_targets()};
    },
    [](const In& x) { return scatter_mean(x[0], x[1], 5); });
REGISTER_OP(
    "scatter_max",
    [](Generator& g) {
      std::vector<double> v(21);
      for (size_t i = 0; i < v.size(); ++i) v[i] = 0.1 * double((i * 8) % 21) - 1.0;  // distinct
      return In{from_vector(v, {7, 3}, DType::Float64) + 0.0 * random_input(g, {7, 3}),
                message_targets()};
    },
    [](const In& x) { return scatter_max(x[0], x[1], 5); });

// ---- losses ---------------------------------------------------------------------------------
In regression_pair(Generator& g) {
  Shape s = random_shape(g, 2, 2);
  return {random_input(g, s), random_input(g, s)};
}
REGISTER_OP("mse_loss", regression_pair, [](const In& x) { return mse_loss(x[0], x[1]); });
REGISTER_OP(
    "l1_loss",
    [](Generator& g) {
      Shape s = random_shape(g, 2, 2);
      Tensor t = random_input(g, s);
      return In{t + away_from(g, s, {0.0}), t};
    },
    [](const In& x) { return l1_loss(x[0], x[1]); });
REGISTER_OP(
    "huber_loss",
    [](Generator& g) {
      Shape s = random_shape(g, 2, 2);
      Tensor t = random_input(g, s);
      return In{t + away_from(g, s, {-0.7, 0.7}), t};
    },
    [](const In& x) { return huber_loss(x[0], x[1], 0.7); });
REGISTER_OP(
    "cross_entropy",
    [](Generator& g) {
      return In{random_input(g, {4, 5}), class_indices(g, {4}, 5)};
    },
    [](const In& x) { return cross_entropy(x[0], x[1]); });
REGISTER_OP(
    "nll_loss",
    [](Generator& g) {
      return In{random_input(g, {4, 3}), class_indices(g, {4}, 3)};
    },
    [](const In& x) { return nll_loss(log_softmax(x[0], 1), x[1]); });
REGISTER_OP(
    "bce_with_logits",
    [](Generator& g) {
      Shape s = random_shape(g, 2, 2);
      return In{random_input(g, s, -3, 3), random_input(g, s, 0, 1)};
    },
    [](const In& x) { return binary_cross_entropy_with_logits(x[0], x[1]); });

// ---- normalisation and lookup layers' ops -------------------------------------------------
REGISTER_OP(
    "layer_norm",
    [](Generator& g) {
      return In{random_input(g, {3, 2, 5}), random_input(g, {5}, 0.5, 1.5), random_input(g, {5})};
    },
    [](const In& x) { return layer_norm(x[0], x[1], x[2], 1e-5); }, 1e-5);
REGISTER_OP(
    "layer_norm_no_affine",
    [](Generator& g) {
      return In{random_input(g, {4, 6})};
    },
    [](const In& x) { return layer_norm(x[0], Tensor(), Tensor(), 1e-3); }, 1e-5);
REGISTER_OP(
    "embedding",
    [](Generator& g) {
      return In{class_indices(g, {2, 3}, 4), random_input(g, {4, 3})};
    },
    [](const In& x) { return embedding(x[0], x[1]); });

// ---- operations with several outputs ---------------------------------------------------------
REGISTER_MULTI_OP(
    "split",
    [](Generator& g) {
      return In{random_input(g, {3, 7, 2})};
    },
    [](const In& x) {
      return split(x[0], {2, 0, 4, 1}, 1);
    });
REGISTER_MULTI_OP(
    "chunk",
    [](Generator& g) {
      return In{random_input(g, {6, 4})};
    },
    [](const In& x) { return chunk(x[0], 3, 0); });
REGISTER_MULTI_OP(
    "lstm_cell",
    [](Generator& g) {
      const int64_t batch = 3, in = 4, hidden = 5;
      return In{random_input(g, {batch, in}),
                random_input(g, {batch, hidden}),
                random_input(g, {batch, hidden}),
                random_input(g, {4 * hidden, in}, -1, 1),
                random_input(g, {4 * hidden, hidden}, -1, 1),
                random_input(g, {4 * hidden}, -1, 1),
                random_input(g, {4 * hidden}, -1, 1)};
    },
    [](const In& x) { return lstm_cell(x[0], x[1], x[2], x[3], x[4], x[5], x[6]); });
REGISTER_MULTI_OP(
    "lstm_cell_no_bias",
    [](Generator& g) {
      return In{random_input(g, {2, 3}), random_input(g, {2, 2}), random_input(g, {2, 2}),
                random_input(g, {8, 3}, -1, 1), random_input(g, {8, 2}, -1, 1)};
    },
    [](const In& x) { return lstm_cell(x[0], x[1], x[2], x[3], x[4], Tensor(), Tensor()); });

REGISTER_OP(
    "gru_cell",
    [](Generator& g) {
      return In{random_input(g, {3, 4}),         random_input(g, {3, 5}),
                random_input(g, {15, 4}, -1, 1), random_input(g, {15, 5}, -1, 1),
                random_input(g, {15}, -1, 1),    random_input(g, {15}, -1, 1)};
    },
    [](const In& x) { return gru_cell(x[0], x[1], x[2], x[3], x[4], x[5]); });
REGISTER_MULTI_OP(
    "lstm_sequence",
    [](Generator& g) {
      return In{random_input(g, {2, 3, 3}),      random_input(g, {2, 4}),
                random_input(g, {2, 4}),         random_input(g, {16, 3}, -1, 1),
                random_input(g, {16, 4}, -1, 1), random_input(g, {16}, -1, 1),
                random_input(g, {16}, -1, 1)};
    },
    [](const In& x) { return lstm_sequence(x[0], x[1], x[2], x[3], x[4], x[5], x[6]); });
REGISTER_MULTI_OP(
    "gru_sequence",
    [](Generator& g) {
      return In{random_input(g, {2, 3, 3}),      random_input(g, {2, 4}),
                random_input(g, {12, 3}, -1, 1), random_input(g, {12, 4}, -1, 1),
                random_input(g, {12}, -1, 1),    random_input(g, {12}, -1, 1)};
    },
    [](const In& x) { return gru_sequence(x[0], x[1], x[2], x[3], x[4], x[5]); });
REGISTER_MULTI_OP(
    "lstm_sequence_no_bias_five_steps",
    [](Generator& g) {
      return In{random_input(g, {3, 5, 2}), random_input(g, {3, 3}), random_input(g, {3, 3}),
                random_input(g, {12, 2}, -1, 1), random_input(g, {12, 3}, -1, 1)};
    },
    [](const In& x) { return lstm_sequence(x[0], x[1], x[2], x[3], x[4], Tensor(), Tensor()); });
REGISTER_MULTI_OP(
    "gru_sequence_no_bias_five_steps",
    [](Generator& g) {
      return In{random_input(g, {3, 5, 2}), random_input(g, {3, 3}), random_input(g, {9, 2}, -1, 1),
                random_input(g, {9, 3}, -1, 1)};
    },
    [](const In& x) { return gru_sequence(x[0], x[1], x[2], x[3], Tensor(), Tensor()); });

}  // namespace
}  // namespace scidl::testing
