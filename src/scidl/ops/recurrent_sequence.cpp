// lstm_sequence and gru_sequence as one autograd node each for the whole sequence (cuDNN's
// shape): the input products of every step in one GEMM, the time loop in the backend
// (Backend::lstm_forward, gru_forward: one GEMM and one fused gate pass per step into buffers
// made once), and in the backward the loop back through time, then the input and weight
// gradients of all steps as single GEMMs. Buffers are time-major [T, B, ...], so every step is
// a contiguous block of rows and the outputs [B, T, H] are views of them.
#include <fmt/format.h>

#include "scidl/autograd/grad_mode.h"
#include "scidl/ops/op_util.h"
#include "scidl/ops/recurrent.h"
#include "scidl/ops/reduction.h"

namespace scidl {

using namespace ops_detail;

namespace {

void check_sequence(const char* what, int64_t gates, const Tensor& x, const Tensor& h0,
                    const Tensor& c0, const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                    const Tensor& b_hh) {
  const int64_t hidden = h0.dim() == 2 ? h0.size(1) : -1;
  const bool ok = x.dim() == 3 && x.size(1) >= 1 && h0.dim() == 2 && h0.size(0) == x.size(0) &&
                  (!c0.defined() || c0.shape() == h0.shape()) &&
                  w_ih.shape() == Shape{gates * hidden, x.size(2)} &&
                  w_hh.shape() == Shape{gates * hidden, hidden} &&
                  (!b_ih.defined() || b_ih.shape() == Shape{gates * hidden}) &&
                  (!b_hh.defined() || b_hh.shape() == Shape{gates * hidden});
  if (!ok)
    throw std::invalid_argument(fmt::format(
        "{}: x {}, h0 {}{}, w_ih {}, w_hh {} do not fit: expected x [B, T, I] with T >= 1, h0{} "
        "[B, H], w_ih [{}H, I], w_hh [{}H, H], biases [{}H] or none",
        what, shape_str(x.shape()), shape_str(h0.shape()),
        c0.defined() ? ", c0 " + shape_str(c0.shape()) : "", shape_str(w_ih.shape()),
        shape_str(w_hh.shape()), c0.defined() ? " and c0" : "", gates, gates, gates));
  check_floating(what, x);
  for (const Tensor* t : {&h0, &c0, &w_ih, &w_hh, &b_ih, &b_hh})
    if (t->defined()) check_same(what, x, *t);
}

// Whether record() will keep a node: only then does the forward save what the backward reads.
bool recording(const std::vector<Tensor>& inputs) {
  if (!grad_mode_enabled()) return false;
  for (const auto& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

// A batch-first [B, T, F] seen time-major [T, B, F] (a view: steps and rows at any strides).
Tensor steps_view(const Tensor& x) {
  const Tensor t = x.strides()[2] == 1 ? x.detach() : x.detach().contiguous();
  return t.as_strided({t.size(1), t.size(0), t.size(2)},
                      {t.strides()[1], t.strides()[0], t.strides()[2]}, t.offset());
}

// The same as one contiguous time-major buffer, for the GEMMs over all steps: no copy when it
// already is one (a time-first input, the previous layer's output).
Tensor time_major(const Tensor& x) { return steps_view(x).contiguous(); }

// Step-major rows [T, B, F] seen as the batch-first [B, T, F] a caller expects (no copy).
Tensor batch_first(const Tensor& steps, int64_t first_step = 0) {
  const int64_t T = steps.size(0) - first_step, B = steps.size(1), F = steps.size(2);
  return steps.as_strided({B, T, F}, {F, B * F, 1}, steps.offset() + first_step * B * F);
}

// Step t of [T, B, F] as [B, F].
Tensor step_of(const Tensor& steps, int64_t t) {
  const int64_t B = steps.size(1), F = steps.size(2);
  return steps.as_strided({B, F}, {F, 1}, steps.offset() + t * B * F);
}

// The first `rows` rows of a contiguous buffer as a matrix [rows, cols] (a 1-batch for the
// backend's matmul), or its transpose.
Tensor matrix(const Tensor& t, int64_t rows, int64_t cols, bool transposed = false) {
  if (transposed) return t.as_strided({1, cols, rows}, {0, 1, cols}, t.offset());
  return t.as_strided({1, rows, cols}, {0, cols, 1}, t.offset());
}

// The input products x_t W_ih^T + b_ih of every step, in one GEMM: [T, B, G].
Tensor input_products(const Tensor& xt, const Tensor& w_ih, const Tensor& b_ih) {
  const int64_t rows = xt.size(0) * xt.size(1), in = xt.size(2), gates = w_ih.size(0);
  auto& be = backend_of(xt);
  Tensor out = empty({xt.size(0), xt.size(1), gates}, xt.dtype(), xt.device());
  if (b_ih.defined()) be.copy(expand_view(b_ih, {1, rows, gates}), matrix(out, rows, gates));
  be.matmul(matrix(xt, rows, in), matrix(w_ih, gates, in, true), matrix(out, rows, gates), 1.0,
            b_ih.defined() ? 1.0 : 0.0);
  return out;
}

// Which inputs want a gradient (c0 only in the LSTM).
struct Wanted {
  bool x, h0, c0, w_ih, w_hh, b_ih, b_hh;
};

// What the backward keeps: the inputs its final GEMMs read, all contiguous (h: the states
// [T + 1, B, H], h0 first), and which gradients are wanted.
struct Saved {
  Tensor xt, w_ih, w_hh, h;
  Wanted wants;
};

Saved saved_of(const Tensor& xt, const Tensor& w_ih, const Tensor& w_hh, const Tensor& h,
               const std::vector<Tensor>& inputs, bool has_c0) {
  auto wants = [&](size_t i) { return inputs[i].defined() && inputs[i].requires_grad(); };
  const size_t w = has_c0 ? 3 : 2;  // where w_ih is among the op's inputs
  return {
      xt,
      w_ih,
      w_hh,
      h,
      {wants(0), wants(1), has_c0 && wants(2), wants(w), wants(w + 1), wants(w + 2), wants(w + 3)}};
}

// The gradients of x, w_ih, w_hh, b_ih, b_hh from those of the gates' pre-activations on the
// input side and on the recurrent side [T, B, G] (one tensor for both in the LSTM): each a
// single GEMM or sum over all T * B rows.
struct InputGrads {
  Tensor x, w_ih, w_hh, b_ih, b_hh;
};

InputGrads input_grads(const Saved& s, const Tensor& grad_input, const Tensor& grad_hidden) {
  const int64_t T = s.xt.size(0), B = s.xt.size(1), in = s.xt.size(2);
  const int64_t gates = s.w_hh.size(0), hidden = s.w_hh.size(1), rows = T * B;
  auto& be = backend_of(grad_input);
  const DType dt = grad_input.dtype();
  InputGrads g;
  if (s.wants.x) {  // dx = dgates W_ih, time-major, handed back batch-first
    Tensor dx = empty({T, B, in}, dt, grad_input.device());
    be.matmul(matrix(grad_input, rows, gates), matrix(s.w_ih, gates, in), matrix(dx, rows, in), 1.0,
              0.0);
    g.x = batch_first(dx);
  }
  if (s.wants.w_ih) {  // dW_ih = dgates^T x
    g.w_ih = empty({gates, in}, dt, grad_input.device());
    be.matmul(matrix(grad_input, rows, gates, true), matrix(s.xt, rows, in),
              matrix(g.w_ih, gates, in), 1.0, 0.0);
  }
  if (s.wants.w_hh) {  // dW_hh = dgates^T h_{t-1}: the states before each step are rows [0, T*B)
    g.w_hh = empty({gates, hidden}, dt, grad_input.device());
    be.matmul(matrix(grad_hidden, rows, gates, true), matrix(s.h, rows, hidden),
              matrix(g.w_hh, gates, hidden), 1.0, 0.0);
  }
  const auto column_sums = [&](const Tensor& t) {
    return sum(t.as_strided({rows, gates}, {gates, 1}, t.offset()), {0});
  };
  if (s.wants.b_ih) g.b_ih = column_sums(grad_input);
  if (s.wants.b_hh)  // the LSTM's two biases get the same gradient
    g.b_hh = grad_hidden.same_storage(grad_input) && g.b_ih.defined() ? g.b_ih
                                                                      : column_sums(grad_hidden);
  return g;
}

// The states buffer [T + 1, B, H] with the initial state in step 0.
Tensor states_from(const Tensor& initial, int64_t steps) {
  Tensor s =
      empty({steps + 1, initial.size(0), initial.size(1)}, initial.dtype(), initial.device());
  backend_of(s).copy(initial, step_of(s, 0));
  return s;
}

}  // namespace

std::vector<Tensor> lstm_sequence(const Tensor& x, const Tensor& h0, const Tensor& c0,
                                  const Tensor& w_ih, const Tensor& w_hh, const Tensor& b_ih,
                                  const Tensor& b_hh) {
  if (!c0.defined())
    throw std::invalid_argument("lstm: needs an initial cell state c0 [B, H] (zeros for none)");
  check_sequence("lstm", 4, x, h0, c0, w_ih, w_hh, b_ih, b_hh);
  const std::vector<Tensor> inputs{x, h0, c0, w_ih, w_hh, b_ih, b_hh};
  const int64_t steps = x.size(1);
  const Tensor xt = time_major(x), w_ih_c = w_ih.detach().contiguous(),
               w_hh_c = w_hh.detach().contiguous();
  Tensor gates = input_products(xt, w_ih_c, b_ih);
  Tensor h = states_from(h0, steps), c = states_from(c0, steps);
  backend_of(x).lstm_forward(w_hh_c, b_hh.defined() ? b_hh.detach().contiguous() : Tensor(), gates,
                             h, c);
  std::vector<Tensor> outs{batch_first(h, 1), step_of(h, steps), step_of(c, steps)};
  if (!recording(inputs)) return outs;
  return record(
      "lstm_sequence", outs, inputs,
      [s = saved_of(xt, w_ih_c, w_hh_c, h, inputs, true), gates,
       c](const std::vector<Tensor>& grads) {
        // dh, dc: the gradients of h_T, c_T in, of h0, c0 out (own copies)
        Tensor dh = grads[1].clone(), dc = grads[2].clone();
        Tensor grad_gates = empty_like(gates);
        backend_of(gates).lstm_backward(s.w_hh, gates, c, steps_view(grads[0]), dh, dc, grad_gates);
        const InputGrads g = input_grads(s, grad_gates, grad_gates);
        const Tensor grad_h0 = s.wants.h0 ? dh : Tensor(), grad_c0 = s.wants.c0 ? dc : Tensor();
        return std::vector<Tensor>{g.x, grad_h0, grad_c0, g.w_ih, g.w_hh, g.b_ih, g.b_hh};
      });
}

std::vector<Tensor> gru_sequence(const Tensor& x, const Tensor& h0, const Tensor& w_ih,
                                 const Tensor& w_hh, const Tensor& b_ih, const Tensor& b_hh) {
  check_sequence("gru", 3, x, h0, Tensor(), w_ih, w_hh, b_ih, b_hh);
  const std::vector<Tensor> inputs{x, h0, w_ih, w_hh, b_ih, b_hh};
  const int64_t steps = x.size(1), batch = x.size(0), hidden = h0.size(1);
  const bool saving = recording(inputs);
  const Tensor xt = time_major(x), w_ih_c = w_ih.detach().contiguous(),
               w_hh_c = w_hh.detach().contiguous();
  Tensor gates = input_products(xt, w_ih_c, b_ih);
  Tensor h = states_from(h0, steps);
  // n's recurrent part per step, which its gradient needs; scratch inside the backend otherwise
  Tensor hn = saving ? empty({steps, batch, hidden}, x.dtype(), x.device()) : Tensor();
  backend_of(x).gru_forward(w_hh_c, b_hh.defined() ? b_hh.detach().contiguous() : Tensor(), gates,
                            h, hn);
  std::vector<Tensor> outs{batch_first(h, 1), step_of(h, steps)};
  if (!saving) return outs;
  return record("gru_sequence", outs, inputs,
                [s = saved_of(xt, w_ih_c, w_hh_c, h, inputs, false), gates,
                 hn](const std::vector<Tensor>& grads) {
                  Tensor dh = grads[1].clone();  // of h_T in, of h0 out
                  Tensor grad_input = empty_like(gates), grad_hidden = empty_like(gates);
                  backend_of(gates).gru_backward(s.w_hh, gates, s.h, hn, steps_view(grads[0]), dh,
                                                 grad_input, grad_hidden);
                  const InputGrads g = input_grads(s, grad_input, grad_hidden);
                  return std::vector<Tensor>{
                      g.x, s.wants.h0 ? dh : Tensor(), g.w_ih, g.w_hh, g.b_ih, g.b_hh};
                });
}

}  // namespace scidl
