#include "scidl/ops/recurrent.h"

#include <fmt/format.h>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/elementwise.h"
#include "scidl/ops/linalg.h"
#include "scidl/ops/op_util.h"
#include "scidl/ops/reduction.h"
#include "scidl/ops/shape_ops.h"

namespace scidl {

using namespace ops_detail;

namespace {

void check_lstm_shapes(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih,
                       const Tensor& w_hh) {
  const bool ok = x.dim() == 2 && h.dim() == 2 && c.shape() == h.shape() && w_ih.dim() == 2 &&
                  w_hh.dim() == 2 && h.shape()[0] == x.shape()[0] &&
                  w_ih.shape()[0] == 4 * h.shape()[1] && w_ih.shape()[1] == x.shape()[1] &&
                  w_hh.shape() == Shape{4 * h.shape()[1], h.shape()[1]};
  if (!ok)
    throw std::invalid_argument(fmt::format(
        "lstm_cell: x {}, h {}, c {}, w_ih {}, w_hh {} do not fit: expected x [B, I], h and c "
        "[B, H], w_ih [4H, I], w_hh [4H, H]",
        shape_str(x.shape()), shape_str(h.shape()), shape_str(c.shape()), shape_str(w_ih.shape()),
        shape_str(w_hh.shape())));
}

}  // namespace

std::vector<Tensor> lstm_step(const Tensor& gx, const Tensor& h, const Tensor& c,
                              const Tensor& w_hh, const Tensor& b_hh);

std::vector<Tensor> lstm_cell(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih,
                              const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  check_lstm_shapes(x, h, c, w_ih, w_hh);
  return lstm_step(linear(x, w_ih, b_ih), h, c, w_hh, b_hh);
}

Tensor gru_cell(const Tensor& x, const Tensor& h, const Tensor& w_ih, const Tensor& w_hh,
                const Tensor& b_ih, const Tensor& b_hh) {
  const bool ok = x.dim() == 2 && h.dim() == 2 && h.shape()[0] == x.shape()[0] &&
                  w_ih.shape() == Shape{3 * h.shape()[1], x.shape()[1]} &&
                  w_hh.shape() == Shape{3 * h.shape()[1], h.shape()[1]};
  if (!ok)
    throw std::invalid_argument(fmt::format(
        "gru_cell: x {}, h {}, w_ih {}, w_hh {} do not fit: expected x [B, I], h [B, H], w_ih "
        "[3H, I], w_hh [3H, H]",
        shape_str(x.shape()), shape_str(h.shape()), shape_str(w_ih.shape()),
        shape_str(w_hh.shape())));
  Tensor r, z, n, hn, h_next;
  {
    NoGradGuard raw;  // one node for the cell
    auto gi = chunk(linear(x, w_ih, b_ih), 3, 1);
    auto gh = chunk(linear(h, w_hh, b_hh), 3, 1);
    r = sigmoid(gi[0] + gh[0]);
    z = sigmoid(gi[1] + gh[1]);
    hn = gh[2].contiguous();
    n = tanh(gi[2] + r * hn);
    h_next = (1.0 - z) * n + z * h;
  }
  return autograd::record(
      "gru_cell", h_next, {x, h, w_ih, w_hh, b_ih, b_hh},
      [x = x.detach(), h = h.detach(), w_ih = w_ih.detach(), w_hh = w_hh.detach(),
       has_b_ih = b_ih.defined(), has_b_hh = b_hh.defined(), r, z, n, hn](const Tensor& g) {
        Tensor dn = g * (1.0 - z) * (1.0 - n * n);
        Tensor dz = g * (h - n) * z * (1.0 - z);
        Tensor dr = dn * hn * r * (1.0 - r);
        Tensor dgi = concat({dr, dz, dn}, 1);
        Tensor dgh = concat({dr, dz, dn * r}, 1);
        return std::vector<Tensor>{matmul(dgi, w_ih),
                                   matmul(dgh, w_hh) + g * z,
                                   matmul(transpose(dgi, 0, 1), x),
                                   matmul(transpose(dgh, 0, 1), h),
                                   has_b_ih ? sum(dgi, {0}) : Tensor(),
                                   has_b_hh ? sum(dgh, {0}) : Tensor()};
      });
}

// A step of the LSTM whose input products gx = x W_ih^T + b_ih [B, 4H] were made elsewhere:
// {h', c'} as lstm_cell gives them. (lstm_sequence runs its steps in the backend instead.)
std::vector<Tensor> lstm_step(const Tensor& gx, const Tensor& h, const Tensor& c,
                              const Tensor& w_hh, const Tensor& b_hh) {
  Tensor i, f, g, o, c_next, tanh_c, h_next;
  {
    NoGradGuard raw;
    auto parts = chunk(gx + linear(h, w_hh, b_hh), 4, 1);
    i = sigmoid(parts[0]);
    f = sigmoid(parts[1]);
    g = tanh(parts[2]);
    o = sigmoid(parts[3]);
    c_next = f * c + i * g;
    tanh_c = tanh(c_next);
    h_next = o * tanh_c;
  }
  return autograd::record(
      "lstm_step", {h_next, c_next}, {gx, h, c, w_hh, b_hh},
      [h = h.detach(), c = c.detach(), w_hh = w_hh.detach(), has_b = b_hh.defined(), i, f, g, o,
       tanh_c](const std::vector<Tensor>& grads) {
        const Tensor& dh = grads[0];
        Tensor dc = grads[1] + dh * o * (1.0 - tanh_c * tanh_c);
        Tensor dgates = concat({dc * g * i * (1.0 - i), dc * c * f * (1.0 - f),
                                dc * i * (1.0 - g * g), dh * tanh_c * o * (1.0 - o)},
                               1);
        return std::vector<Tensor>{dgates, matmul(dgates, w_hh), dc * f,
                                   matmul(transpose(dgates, 0, 1), h),
                                   has_b ? sum(dgates, {0}) : Tensor()};
      });
}

}  // namespace scidl
