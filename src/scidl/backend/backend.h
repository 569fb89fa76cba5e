// The one interface every device implements. Ops in ops/ call these kernels and never touch
// device memory themselves, so a CUDA backend slots in without changing ops, nn or train.
// Contract for every kernel: `out` is contiguous and already has the right shape and dtype;
// inputs may be any strided view (broadcast inputs arrive expanded, with zero strides), and
// all tensors live on this backend's device.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>
#include "scidl/backend/fused_kinds.h"

#include "scidl/backend/conv_geometry.h"
#include "scidl/tensor/tensor.h"

namespace scidl {
class Generator;
}

namespace scidl::backend {

enum class UnaryOp {
  Neg,
  Exp,
  Log,
  Sqrt,
  Abs,
  Sign,
  Square,
  Reciprocal,
  Relu,
  LeakyRelu,  // a = negative slope
  Elu,        // a = alpha
  Sigmoid,
  Tanh,
  Pow,       // x^a
  Clamp,     // clamp to [a, b]
  Affine,    // a*x + b
  GtScalar,  // 1 where x > a else 0
  Gelu,      // x * Phi(x) (erf form, PyTorch's default)
  GeluTanh,  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  Silu,      // x * sigmoid(x)
};

enum class BinaryOp {
  Add,
  Sub,
  Mul,
  Div,
  Pow,
  Maximum,
  Minimum,
  AddScaled,  // x + a*y
  Eq,
  Gt,
  Ge,  // 1 or 0
  // Backward rules that fuse the upstream gradient g (first operand) with a saved tensor:
  ReluGrad,       // g * (y > 0)
  LeakyReluGrad,  // g * (x > 0 ? 1 : a)
  EluGrad,        // g * (x > 0 ? 1 : a * exp(x))
  SigmoidGrad,    // g * y * (1 - y)
  TanhGrad,       // g * (1 - y^2)
  AbsGrad,        // g * sign(x)
  ClampGrad,      // g * (a <= x <= b)
  PowScalarGrad,  // g * a * x^(a-1)
  GeluGrad,       // g * d/dx gelu(x)
  GeluTanhGrad,   // g * d/dx gelu_tanh(x)
  SiluGrad,       // g * d/dx silu(x)
};

enum class ReduceOp { Sum, Max, Min, ArgMax, ArgMin };

// The elements of the flat buffers an optimizer update covers: [begin, end), or (end < 0) all
// of them. A part is updated on the calling thread alone, so a pass that has each part's
// gradient at a different time can update it there (train/fused_step.h); the whole is split
// between the threads.
struct FlatRange {
  int64_t begin = 0, end = -1;
};

struct AdamConfig {
  double lr, beta1, beta2, eps, weight_decay;
  bool decoupled;  // AdamW: decay the weights directly instead of adding to the gradient
  int64_t step;    // 1-based step count, for bias correction
  FlatRange range;
};

struct SgdConfig {
  double lr, momentum, dampening, weight_decay;
  bool nesterov;
  bool first_step;  // momentum buffer starts as the first gradient, as in PyTorch
  FlatRange range;
};

struct AdagradConfig {
  double lr, lr_decay, eps, weight_decay;
  int64_t step;  // 1-based; the step size is lr / (1 + (step - 1) * lr_decay)
  FlatRange range;
};

struct AdadeltaConfig {
  double lr, rho, eps, weight_decay;
  FlatRange range;
};

struct RmspropConfig {
  double lr, alpha, eps, weight_decay, momentum;
  bool centered;  // divide by the running standard deviation instead of the running RMS
  FlatRange range;
};

// One layer of a fused dense chain (Backend::dense_forward): weight [out, in], bias [out] or
// undefined, ReLU or the identity after it.

struct DenseLayer {
  Tensor weight, bias;
  Activation act = Activation::None;  // a kernel declines what it cannot apply
};

// An optimizer fused into Backend::dense_train: called as (l, begin, end) once the gradients of
// layer l's units [begin, end) (rows of gw[l], entries of gb[l]) are final and nothing left in
// the pass reads those rows of the weight, which it may then change; possibly from several
// threads at once, for different units. Never called when the loss is not finite.
using DenseUnitsReady = std::function<void(int layer, int64_t begin, int64_t end)>;

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Device device() const = 0;
  virtual void* allocate(size_t bytes) = 0;
  virtual void deallocate(void* ptr, size_t bytes) = 0;

  // Elementwise.
  virtual void copy(const Tensor& src, const Tensor& dst) = 0;  // dst may be strided; casts
  virtual void fill(const Tensor& dst, double value) = 0;
  virtual void unary(UnaryOp op, const Tensor& x, const Tensor& out, double a, double b) = 0;
  virtual void binary(BinaryOp op, const Tensor& x, const Tensor& y, const Tensor& out, double a,
                      double b) = 0;
  virtual void where(const Tensor& cond, const Tensor& x, const Tensor& y, const Tensor& out) = 0;

  // Reduce `x` over the dims where out's (keepdim) shape is 1 and x's is not.
  virtual void reduce(ReduceOp op, const Tensor& x, const Tensor& out) = 0;

  // out[b] = alpha * op(a[b]) @ op(b[b]) + beta * out[b] for 3-D tensors [batch, rows, cols];
  // a and b may be transposed views (their last two strides swapped), which cost no copy.
  virtual void matmul(const Tensor& a, const Tensor& b, const Tensor& out, double alpha,
                      double beta) = 0;

  // Dense layers fused, one or a chain: layer l maps [rows, in_l] to ys[l] = act(in . W_l^T +
  // b_l), act ReLU or the identity, with layer 0's input x; and the chain's whole backward
  // from g = dLoss/d ys.back() (per layer the activation gradient, dW, db; gx w.r.t. x). An
  // undefined gx, gw[l] or gb[l] is not computed. Operands are contiguous. A backend returns
  // false, touching nothing, when it has no fused kernel for the case; the caller then
  // composes the layers from matmul and elementwise ops.
  virtual bool dense_forward(const Tensor& /*x*/, const std::vector<DenseLayer>& /*layers*/,
                             const std::vector<Tensor>& /*ys*/) {
    return false;
  }
  virtual bool dense_backward(const Tensor& /*x*/, const std::vector<DenseLayer>& /*layers*/,
                              const std::vector<Tensor>& /*ys*/, const Tensor& /*g*/,
                              const Tensor& /*gx*/, const std::vector<Tensor>& /*gw*/,
                              const std::vector<Tensor>& /*gb*/) {
    return false;
  }
  // dense_forward, the mean loss of the chain's output against `target` and dense_backward
  // from that loss's gradient, in one pass that need not keep the activations: `prediction`
  // receives ys.back(), `loss_sum` the sum of the per-element losses (the caller divides), and
  // gx, gw, gb the gradients of the mean loss as dense_backward's; `ready` (if not empty) is
  // called for every unit of every layer, each once (DenseUnitsReady). False, touching nothing,
  // when the backend has no fused kernel for the case.
  virtual bool dense_train(const Tensor& /*x*/, const std::vector<DenseLayer>& /*layers*/,
                           const Tensor& /*target*/, FusedLoss /*loss*/,
                           const Tensor& /*prediction*/, double& /*loss_sum*/, const Tensor& /*gx*/,
                           const std::vector<Tensor>& /*gw*/, const std::vector<Tensor>& /*gb*/,
                           const DenseUnitsReady& /*ready*/) {
    return false;
  }

  // Recurrent layers: the time loop of a whole sequence in one call (cuDNN's shape); the op
  // makes the input products of all steps in one GEMM before. Time-major, contiguous buffers:
  // gates [T, B, G] (G = 4H for the LSTM's i, f, g, o; 3H for the GRU's r, z, n) hold
  // x_t W_ih^T + b_ih on entry and the gates' activations on return; the states h (and c)
  // [T + 1, B, H] hold the initial state at step 0 and receive step t's at t + 1. w_hh [G, H],
  // b_hh [G] or undefined.
  virtual void lstm_forward(const Tensor& w_hh, const Tensor& b_hh, const Tensor& gates,
                            const Tensor& h, const Tensor& c) = 0;
  // Back through time from the forward's gates and c: grad_h [T, B, H] (any strides, the last
  // 1) is what reaches each step's h from outside; dh and dc [B, H] are the gradients of h_T
  // and c_T on entry, of h0 and c0 on return. Writes grad_gates [T, B, 4H], the gradients of
  // the gates' pre-activations (the same on the input and the recurrent side).
  virtual void lstm_backward(const Tensor& w_hh, const Tensor& gates, const Tensor& c,
                             const Tensor& grad_h, const Tensor& dh, const Tensor& dc,
                             const Tensor& grad_gates) = 0;
  // hn [T, B, H] receives n's recurrent part h_{t-1} W_hn^T + b_hn, which the backward reads
  // (undefined when there is no backward).
  virtual void gru_forward(const Tensor& w_hh, const Tensor& b_hh, const Tensor& gates,
                           const Tensor& h, const Tensor& hn) = 0;
  // As lstm_backward, from the forward's gates, h and hn; the pre-activations' gradients on the
  // input side and on the recurrent side [T, B, 3H] differ in n's block (by the factor r).
  virtual void gru_backward(const Tensor& w_hh, const Tensor& gates, const Tensor& h,
                            const Tensor& hn, const Tensor& grad_h, const Tensor& dh,
                            const Tensor& grad_input_gates, const Tensor& grad_hidden_gates) = 0;

  // Softmax or log-softmax over the last dim, and their backward (given output y and grad gy).
  virtual void softmax(const Tensor& x, const Tensor& out, bool log) = 0;
  virtual void softmax_backward(const Tensor& y, const Tensor& gy, const Tensor& out, bool log) = 0;

  // Indexing along `dim` with int64 indices.
  virtual void index_select(const Tensor& x, int64_t dim, const Tensor& index,
                            const Tensor& out) = 0;
  virtual void index_add(const Tensor& out, int64_t dim, const Tensor& index,
                         const Tensor& src) = 0;  // out.index_select(dim, index) += src
  virtual void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) = 0;
  virtual void scatter_add(const Tensor& out, int64_t dim, const Tensor& index,
                           const Tensor& src) = 0;
  // Segment max of rows: out[i] = max over the rows j of src with index[j] == i (out [N, ...],
  // src [E, ...], index [E]); 0 where no row maps to i, as PyG's scatter max.
  virtual void segment_max(const Tensor& src, const Tensor& index, const Tensor& out) = 0;

  // Random fills from a generator (reproducible for a seed on every backend).
  virtual void uniform(const Tensor& out, Generator& gen, double low, double high) = 0;
  virtual void normal(const Tensor& out, Generator& gen, double mean, double stddev) = 0;
  virtual void bernoulli(const Tensor& out, Generator& gen, double p) = 0;

  // Fused optimizer updates over flat contiguous buffers, one pass each.
  virtual void adam_update(const Tensor& param, const Tensor& grad, const Tensor& m,
                           const Tensor& v, const AdamConfig& config) = 0;
  virtual void sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum,
                          const SgdConfig& config) = 0;
  virtual void adagrad_update(const Tensor& param, const Tensor& grad, const Tensor& sum,
                              const AdagradConfig& config) = 0;
  virtual void adadelta_update(const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                               const Tensor& acc_delta, const AdadeltaConfig& config) = 0;
  // grad_avg is used only when centered, momentum_buffer only when momentum > 0.
  virtual void rmsprop_update(const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                              const Tensor& grad_avg, const Tensor& momentum_buffer,
                              const RmspropConfig& config) = 0;

  // Regularisation and clipping over flat contiguous buffers (optim/regularization.h).
  // grad += l1 * sign(param) + 2 * l2 * param, the gradient of l1*sum|p| + l2*sum p^2.
  virtual void add_penalty_gradient(const Tensor& param, const Tensor& grad, double l1,
                                    double l2) = 0;
  // l1 * sum|x| + l2 * sum x^2, accumulated in double.
  virtual double penalty(const Tensor& x, double l1, double l2) = 0;
  // Sum of squares of x, accumulated in double.
  virtual double squared_norm(const Tensor& x) = 0;

  // Convolution and pooling (cnn). NCHW, contiguous inputs; weight is [C_out, C_in, kh, kw].
  // conv2d: out = conv(x, weight) + bias (bias may be undefined), then ReLU when `relu`.
  virtual void conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& out,
                      const Conv2dGeometry& g, bool relu) = 0;
  // grad_input = d(sum(grad_output * conv(x, weight)))/dx; overwrites grad_input.
  virtual void conv2d_backward_input(const Tensor& grad_output, const Tensor& weight,
                                     const Tensor& grad_input, const Conv2dGeometry& g) = 0;
  // Overwrites grad_weight, and grad_bias (sum over batch and space) when it is defined.
  virtual void conv2d_backward_weight(const Tensor& grad_output, const Tensor& x,
                                      const Tensor& grad_weight, const Tensor& grad_bias,
                                      const Conv2dGeometry& g) = 0;
  // Both backward passes of conv2d + ReLU in one call, the ReLU's gradient fused in: grad_output
  // is masked by relu_output > 0 (relu_output: the forward's output). grad_input, and
  // grad_weight (with grad_bias, which may be undefined), are each undefined when not wanted;
  // the rest are overwritten. Returns false, touching nothing, when the backend has no fused
  // path for the case: the caller masks grad_output itself and calls the two passes above.
  virtual bool conv2d_relu_backward(const Tensor& grad_output, const Tensor& relu_output,
                                    const Tensor& x, const Tensor& weight, const Tensor& grad_input,
                                    const Tensor& grad_weight, const Tensor& grad_bias,
                                    const Conv2dGeometry& g) {
    (void)grad_output, (void)relu_output, (void)x, (void)weight, (void)grad_input,
        (void)grad_weight, (void)grad_bias, (void)g;
    return false;
  }
  // Max pooling; argmax (int64, out's shape) gets the winner's index within its H*W plane.
  virtual void max_pool2d(const Tensor& x, const Tensor& out, const Tensor& argmax,
                          const Pool2dGeometry& g) = 0;
  virtual void max_pool2d_backward(const Tensor& grad_output, const Tensor& argmax,
                                   const Tensor& grad_input) = 0;
  // Average pooling over the window's positions inside the input (padding is not counted).
  virtual void avg_pool2d(const Tensor& x, const Tensor& out, const Pool2dGeometry& g) = 0;
  virtual void avg_pool2d_backward(const Tensor& grad_output, const Tensor& grad_input,
                                   const Pool2dGeometry& g) = 0;
  // Batch normalisation in training mode, fused: x is a contiguous [N, C, S] (S = the product
  // of the spatial dims, 1 for [N, C]); per channel the batch's mean and biased variance go to
  // mean and var ([C]), invstd = 1 / sqrt(var + eps), xhat = (x - mean) * invstd and
  // y = xhat * weight + bias (weight, bias [C] or undefined). Returns false, touching nothing,
  // when the backend has no fused path for the case: the op composes it from reductions and
  // elementwise passes.
  virtual bool batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias,
                                  double eps, const Tensor& y, const Tensor& xhat,
                                  const Tensor& mean, const Tensor& var, const Tensor& invstd) {
    (void)x, (void)weight, (void)bias, (void)eps, (void)y, (void)xhat, (void)mean, (void)var,
        (void)invstd;
    return false;
  }
  // Its backward: per channel sum_g = sum of g and sum_g_xhat = sum of g * xhat ([C]); then
  // grad_x = (g - sum_g / count - xhat * sum_g_xhat / count) * scale, with scale [C] = invstd
  // (times weight when there is one) and count = N * S. Same contract on false.
  virtual bool batch_norm_backward(const Tensor& g, const Tensor& xhat, const Tensor& scale,
                                   const Tensor& grad_x, const Tensor& sum_g,
                                   const Tensor& sum_g_xhat) {
    (void)g, (void)xhat, (void)scale, (void)grad_x, (void)sum_g, (void)sum_g_xhat;
    return false;
  }
};

Backend& backend_for(Device device);
inline Backend& backend_of(const Tensor& t) { return backend_for(t.device()); }

}  // namespace scidl::backend
