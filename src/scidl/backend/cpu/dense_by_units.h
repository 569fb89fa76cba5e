// The dense chains (dense_kernels.h: forward_chain, backward_chain, train_chain) for a short
// batch: the threads split every layer's units between them instead of the batch's rows.
// Internal to the dense kernels.
//
// Why: at batch 64 a thread's share of the rows is 32, and splitting rows makes every thread
// read every weight, pack a transposed copy of each for the forward, sum its own slice of
// every dW, and then add the slices and transpose dW^T back: work that scales with the
// parameters, not the batch, and took half of a batch-64 step of the three-body network. Split
// by units, the activations are kept feature-major (a row per unit, a column per sample), so
// y^T = w x^T and the gradient passed down, (gz w)^T = w^T gz^T, read w as it lies, and each
// thread writes its own rows of dW = gz^T x whole. The price is a barrier per layer, and a
// batch-major copy of each layer's output for the dW product.
#pragma once
#include <cstdint>

#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN
namespace dense {

// The batch up to which the chains split units. Measured on the three-body network (AMD EPYC,
// 2 cores, session 11): a step took 0.31 ms instead of 0.36 at batch 32, 0.43 instead of 0.45 at
// 64, and 0.63 instead of 0.57 at 96, where the activations' copies outgrow what they save.
constexpr int64_t kUnitSplitMaxRows = 64;

// forward_chain's, backward_chain's and train_chain's contracts, computed with the units
// split. Only for builds with AVX-512F.
void forward_chain_by_units(int64_t rows, const float* x, const Layer* layers, int n,
                            float* const* ys);
void backward_chain_by_units(int64_t rows, const float* x, const Layer* layers, int n,
                             const float* const* ys, const float* g, float* gx,
                             const LayerGrads* grads);
double train_chain_by_units(int64_t rows, const float* x, const Layer* layers, int n,
                            const float* target, FusedLoss loss, float* prediction, float* gx,
                            const LayerGrads* grads, const UnitsReady& ready);

}  // namespace dense
SCIDL_ISA_END
