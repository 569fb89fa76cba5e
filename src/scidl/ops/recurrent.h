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

// One step of PyTorch's GRUCell, gates (r, z, n): r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr),
// z likewise, n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn)), h' = (1 - z) n + z h. x [B, I],
// h [B, H], w_ih [3H, I], w_hh [3H, H], biases [3H] (either may be undefined).
Tensor gru_cell(const Tensor& x, const Tensor& h, const Tensor& w_ih, const Tensor& w_hh,
                const Tensor& b_ih, const Tensor& b_hh);

// One recurrent layer over a whole sequence x [B, T, I] (batch first), from states h0 (and c0)
// [B, H]: {outputs [B, T, H], h_T, c_T} for the LSTM, {outputs, h_T} for the GRU, the same
// values as the cells step by step, as one autograd node (recurrent_sequence.cpp). The outputs
// are views of one time-major buffer (outputs has strides [H, B*H, 1]).
std::vector<Tensor> lstm_sequence(const Tensor& x, const Tensor& h0, const Tensor& c0,
                                  const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                                  const Tensor& b_hh);
std::vector<Tensor> gru_sequence(const Tensor& x, const Tensor& h0, const Tensor& w_ih,
                                 const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh);

}  // namespace scidl
