// Matrix products. matmul follows torch.matmul: 1-D operands are promoted to matrices and the
// added dim removed after; leading (batch) dims broadcast. linear is the fused dense layer
// y = act(x W^T + b): one GEMM writing over the broadcast bias, the activation in place.
#pragma once
#include "scidl/tensor/tensor.h"

namespace scidl {

Tensor matmul(const Tensor& a, const Tensor& b);

enum class Activation { None, Relu, Tanh, Sigmoid };
// x: [..., in], weight: [out, in] (PyTorch layout), bias: [out] or undefined.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias,
              Activation activation = Activation::None);

}  // namespace scidl
