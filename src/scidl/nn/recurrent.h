// LSTM and GRU layers with PyTorch's semantics and names: gates (i, f, g, o) and (r, z, n), two
// bias vectors per layer (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ... _l1), several
// layers with dropout between them (training only), batch-first ([B, T, F], the default) or
// time-first, initial states (zeros when not given). As a layer in a model, the output is the
// whole sequence of the last layer's states ([B, T, H], return_sequences) or its last state
// ([B, H], Keras's default, what a model that predicts the next point needs).
#pragma once
#include "scidl/nn/activation.h"
#include "scidl/nn/module.h"
#include "scidl/tensor/random.h"

namespace scidl::nn {

struct RecurrentOptions {
  int64_t num_layers = 1;
  double dropout = 0;  // between layers, as PyTorch
  bool batch_first = true;
  bool return_sequences = false;
  bool bias = true;
  DType dtype = DType::Float32;
};

class Recurrent : public Module {
 public:
  // What a whole run gives: the last layer's outputs over time (batch_first or not, as the
  // input), and each layer's final states [num_layers, B, H] (c_n undefined for a GRU).
  struct States {
    Tensor output, h_n, c_n;
  };
  // h0 (and c0) [num_layers, B, H], or undefined for zeros.
  States run(const Tensor& x, const Tensor& h0 = Tensor(), const Tensor& c0 = Tensor());
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  int64_t hidden_size() const { return hidden_; }
  const RecurrentOptions& options() const { return options_; }
  int64_t input_size() const { return input_; }
  bool is_lstm() const { return lstm(); }
  // Layer `l`'s weights [gates * H, in] and [gates * H, H] and biases [gates * H] (undefined
  // without bias), gates in PyTorch's order.
  const Tensor& weight_ih(int64_t l) const { return w_ih_.at(size_t(l)); }
  const Tensor& weight_hh(int64_t l) const { return w_hh_.at(size_t(l)); }
  const Tensor& bias_ih(int64_t l) const { return b_ih_.at(size_t(l)); }
  const Tensor& bias_hh(int64_t l) const { return b_hh_.at(size_t(l)); }

 protected:
  Recurrent(const char* kind, int64_t gates, int64_t input_size, int64_t hidden_size,
            RecurrentOptions options, Generator& gen);

 private:
  bool lstm() const { return gates_ == 4; }
  const char* kind_;
  int64_t gates_, input_, hidden_;
  RecurrentOptions options_;
  std::vector<Tensor> w_ih_, w_hh_, b_ih_, b_hh_;
  std::shared_ptr<Dropout> dropout_;
};

class LSTM : public Recurrent {
 public:
  LSTM(int64_t input_size, int64_t hidden_size, RecurrentOptions options = {},
       Generator& gen = default_generator())
      : Recurrent("LSTM", 4, input_size, hidden_size, options, gen) {}
};

class GRU : public Recurrent {
 public:
  GRU(int64_t input_size, int64_t hidden_size, RecurrentOptions options = {},
      Generator& gen = default_generator())
      : Recurrent("GRU", 3, input_size, hidden_size, options, gen) {}
};

}  // namespace scidl::nn
