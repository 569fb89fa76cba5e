#include "scidl/nn/recurrent.h"

#include <fmt/format.h>

#include <cmath>

#include "scidl/ops/random_ops.h"
#include "scidl/ops/recurrent.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::nn {

Recurrent::Recurrent(const char* kind, int64_t gates, int64_t input_size, int64_t hidden_size,
                     RecurrentOptions options, Generator& gen)
    : kind_(kind), gates_(gates), input_(input_size), hidden_(hidden_size), options_(options) {
  if (input_size < 1 || hidden_size < 1 || options.num_layers < 1)
    throw std::invalid_argument(
        fmt::format("{}: needs input size, units and num_layers >= 1, got {}, {} and {}", kind,
                    input_size, hidden_size, options.num_layers));
  if (!(options.dropout >= 0 && options.dropout < 1))
    throw std::invalid_argument(
        fmt::format("{}: dropout must be in [0, 1), got {}", kind, options.dropout));
  // PyTorch's initialisation: every weight and bias uniform in +-1/sqrt(hidden), in its order.
  const double bound = 1.0 / std::sqrt(double(hidden_size));
  for (int64_t l = 0; l < options.num_layers; ++l) {
    const int64_t in = l == 0 ? input_size : hidden_size;
    auto draw = [&](const Shape& s) { return uniform(s, -bound, bound, options.dtype, gen); };
    const std::string k = std::to_string(l);
    w_ih_.push_back(register_parameter("weight_ih_l" + k, draw({gates * hidden_size, in})));
    w_hh_.push_back(
        register_parameter("weight_hh_l" + k, draw({gates * hidden_size, hidden_size})));
    if (options.bias) {
      b_ih_.push_back(register_parameter("bias_ih_l" + k, draw({gates * hidden_size})));
      b_hh_.push_back(register_parameter("bias_hh_l" + k, draw({gates * hidden_size})));
    } else {
      b_ih_.emplace_back();
      b_hh_.emplace_back();
    }
  }
  if (options.num_layers > 1 && options.dropout > 0)  // a child, so checkpoints keep its stream
    dropout_ =
        register_module("dropout", std::make_shared<Dropout>(options.dropout, gen.next_u64()));
}

Recurrent::States Recurrent::run(const Tensor& input, const Tensor& h0, const Tensor& c0) {
  if (input.dim() != 3 || input.shape()[2] != input_)
    throw std::invalid_argument(
        fmt::format("{}: expects a sequence [{}] with {} features, got {}", describe(),
                    options_.batch_first ? "batch, time, features" : "time, batch, features",
                    input_, shape_str(input.shape())));
  Tensor x = options_.batch_first ? input : transpose(input, 0, 1);
  const int64_t batch = x.shape()[0], layers = options_.num_layers;
  const Shape states{layers, batch, hidden_};
  for (const Tensor* s : {&h0, &c0})
    if (s->defined() && s->shape() != states)
      throw std::invalid_argument(fmt::format("{}: initial states must be {}, got {}", describe(),
                                              shape_str(states), shape_str(s->shape())));
  std::vector<Tensor> h_n, c_n;
  for (int64_t l = 0; l < layers; ++l) {
    const Tensor zero = zeros({batch, hidden_}, x.dtype(), x.device());
    const Tensor h = h0.defined() ? squeeze(slice(h0, 0, l, l + 1), 0) : zero;
    if (l > 0 && dropout_) x = dropout_->forward(x);
    std::vector<Tensor> out;
    if (lstm()) {
      const Tensor c = c0.defined() ? squeeze(slice(c0, 0, l, l + 1), 0) : zero;
      out = lstm_sequence(x, h, c, w_ih_[size_t(l)], w_hh_[size_t(l)], b_ih_[size_t(l)],
                          b_hh_[size_t(l)]);
      c_n.push_back(out[2]);
    } else {
      out = gru_sequence(x, h, w_ih_[size_t(l)], w_hh_[size_t(l)], b_ih_[size_t(l)],
                         b_hh_[size_t(l)]);
    }
    x = out[0];
    h_n.push_back(out[1]);
  }
  States s;
  s.output = options_.batch_first ? x : transpose(x, 0, 1);
  s.h_n = stack(h_n, 0);
  if (lstm()) s.c_n = stack(c_n, 0);
  return s;
}

Tensor Recurrent::forward(const Tensor& x) {
  States s = run(x);
  if (options_.return_sequences) return s.output;
  return squeeze(slice(s.h_n, 0, options_.num_layers - 1, options_.num_layers), 0);
}

std::string Recurrent::describe() const {
  return fmt::format("{}({} -> {}{}{})", kind_, input_, hidden_,
                     options_.num_layers > 1 ? fmt::format(", {} layers", options_.num_layers) : "",
                     options_.return_sequences ? ", sequences" : "");
}

}  // namespace scidl::nn
