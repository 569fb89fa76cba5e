// Matrix products. matmul follows torch.matmul: 1-D operands are promoted to matrices and the
// added dim removed after; leading (batch) dims broadcast. linear is the fused dense layer
// y = act(x W^T + b): one GEMM writing over the broadcast bias, the activation in place.
#pragma once
#include <vector>
#include "scidl/backend/fused_kinds.h"

#include "scidl/backend/backend.h"
#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor matmul(const Tensor& a, const Tensor& b);

// The gradient through an activation fused into an op, from the op's output y = act(z):
// g * act'(z) (g itself for None). Ops that fuse one (linear, conv2d) call it in their backward.
Tensor activation_backward(Activation act, const Tensor& g, const Tensor& y);

// x: [..., in], weight: [out, in] (PyTorch layout), bias: [out] or undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias,
              Activation activation = Activation::None);

// A chain of dense layers, act_n(... act_1(x W_1^T + b_1) ... W_n^T + b_n), biases possibly
// undefined: one autograd node when the backend fuses the chain (ReLU or no activation; one pass
// over the batch each way for the whole chain), else exactly linear() composed. nn::Sequential
// sends runs of Linear(+ReLU) here.
Tensor dense_chain(const Tensor& x, const std::vector<Tensor>& weights,
                   const std::vector<Tensor>& biases, const std::vector<Activation>& activations);

struct DenseChainLoss {
  Tensor loss;        // the mean loss, a scalar; undefined when the chain and loss did not fuse
  Tensor prediction;  // the chain's output, not part of the graph (for metrics)
};
// dense_chain and then l1_loss or mse_loss against `target`, in one pass that runs the whole
// backward while each group of rows is still in cache: the returned loss's backward() only
// scales gradients already computed. Fuses when gradients are being recorded, the backend has
// the kernels (float32 on a CPU with AVX-512) and the target has the prediction's shape and
// type; otherwise returns an undefined loss and the caller composes the ops (whose errors then
// name any bad shape).
DenseChainLoss dense_chain_loss(const Tensor& x, const std::vector<Tensor>& weights,
                                const std::vector<Tensor>& biases,
                                const std::vector<Activation>& activations, const Tensor& target,
                                FusedLoss loss);
// dense_chain_loss's pass for a training step that keeps no graph (train/fused_step.h): the
// mean loss's gradients w.r.t. the weights and biases are written (overwritten, as by
// zero_grad() and backward()) into weight_grads[l] and bias_grads[l] (contiguous, shaped as
// their tensors; bias_grads[l] undefined where layer l has no bias), and `ready` (may be empty)
// is called as each layer's are final (backend::DenseUnitsReady). The returned loss is a plain
// scalar. An undefined loss, touching nothing, when dense_chain_loss would not fuse.
DenseChainLoss dense_chain_step(const Tensor& x, const std::vector<Tensor>& weights,
                                const std::vector<Tensor>& biases,
                                const std::vector<Activation>& activations, const Tensor& target,
                                FusedLoss loss, const std::vector<Tensor>& weight_grads,
                                const std::vector<Tensor>& bias_grads,
                                const backend::DenseUnitsReady& ready);

}  // namespace scidl
