// Matrix products. matmul follows torch.matmul: 1-D operands are promoted to matrices and the
// added dim removed after; leading (batch) dims broadcast. linear is the fused dense layer
// y = act(x W^T + b): one GEMM writing over the broadcast bias, the activation in place.
#pragma once
#include <vector>

#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor matmul(const Tensor& a, const Tensor& b);

enum class Activation { None, Relu, Tanh, Sigmoid };
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

}  // namespace scidl
