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

std::vector<Tensor> lstm_cell(const Tensor& x, const Tensor& h, const Tensor& c, const Tensor& w_ih,
                              const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  check_lstm_shapes(x, h, c, w_ih, w_hh);
  Tensor i, f, g, o, c_next, tanh_c, h_next;
  {
    NoGradGuard raw;  // the cell is one node; its pieces are not recorded
    Tensor gates = linear(x, w_ih, b_ih) + linear(h, w_hh, b_hh);
    auto parts = chunk(gates, 4, 1);
    i = sigmoid(parts[0]);
    f = sigmoid(parts[1]);
    g = tanh(parts[2]);
    o = sigmoid(parts[3]);
    c_next = f * c + i * g;
    tanh_c = tanh(c_next);
    h_next = o * tanh_c;
  }
  return record("lstm_cell", {h_next, c_next}, {x, h, c, w_ih, w_hh, b_ih, b_hh},
                [x = x.detach(), h = h.detach(), c = c.detach(), w_ih = w_ih.detach(),
                 w_hh = w_hh.detach(), has_b_ih = b_ih.defined(), has_b_hh = b_hh.defined(), i, f,
                 g, o, tanh_c](const std::vector<Tensor>& grads) {
                  const Tensor& dh = grads[0];
                  Tensor dc = grads[1] + dh * o * (1.0 - tanh_c * tanh_c);
                  Tensor di = dc * g * i * (1.0 - i);
                  Tensor df = dc * c * f * (1.0 - f);
                  Tensor dg = dc * i * (1.0 - g * g);
                  Tensor d_o = dh * tanh_c * o * (1.0 - o);
                  Tensor dgates = concat({di, df, dg, d_o}, 1);
                  Tensor db = sum(dgates, {0});
                  return std::vector<Tensor>{matmul(dgates, w_ih),
                                             matmul(dgates, w_hh),
                                             dc * f,
                                             matmul(transpose(dgates, 0, 1), x),
                                             matmul(transpose(dgates, 0, 1), h),
                                             has_b_ih ? db : Tensor(),
                                             has_b_hh ? db : Tensor()};
                });
}

}  // namespace scidl
