// What an op, the backend and its kernels fuse, named once for all three: the activation after
// a layer and the loss after a chain. (A kernel that cannot apply one declines the call.)
#pragma once

namespace scidl {

enum class Activation { None, Relu, Tanh, Sigmoid };

// Mean absolute (L1, MAE) and mean squared error: the mean over every element of a per-element
// loss, so a row's gradient needs that row alone.
enum class FusedLoss { L1, MSE };

}  // namespace scidl
