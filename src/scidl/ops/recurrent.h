// Recurrent cells as single operations with several outputs.
#pragma once
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl {

// One step of PyTorch's LSTMCell: gates = x W_ih^T + b_ih + h W_hh^T + b_hh, split (i, f, g, o);
// c' = sigmoid(f) c + sigmoid(i) tanh(g), h' = sigmoid(o) tanh(c'). Returns {h', c'} as two
// outputs of one autograd node. x [B, I], h and c [B, H], w_ih [4H, I], w_hh [4H, H], biases
// [4H] (either may be undefined).
std::vector<Tensor> lstm_cell(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih,
                              const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh);

}  // namespace scidl
