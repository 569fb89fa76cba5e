// Fused float32 dense-layer kernels (AVX-512): the forward y = act(x W^T + b) and the whole
// backward (activation gradient, dx, dW, db) of a chain of such layers, each in one pass over
// the batch, with our own register-blocked GEMM micro-kernel.
//
// Why not BLAS: the networks science trains are narrow (128 units) and tall (batch 5000).
// OpenBLAS packs both operands for every call and reaches about half of this CPU's FMA peak on
// 5000x128x128 products; around each GEMM sat separate passes for the bias, the activation, its
// gradient and the bias gradient, each a trip through memory. Here the weight (64 KB) stays in
// L2, the batch streams through once per pass and everything else happens while a tile of the
// output is still in registers. bench/run mlp_step measures the result against PyTorch.
#pragma once
#include <cstdint>
#include <functional>

#include "scidl/backend/fused_kinds.h"

namespace scidl::backend::cpu::dense {

// Every instruction set's copy of the backend has the kernels (isa.h). Whether the CPU backend
// uses them: unless turned off by SCIDL_KERNELS=no-dense or set_enabled(false) (tests compare both
// paths in one process; benchmarks measure the gain).
bool enabled();
void set_enabled(bool on);

// What a layer applies to x w^T + b: ReLU (fused into the product's last store), tanh (a pass
// over each group's output while it is in L2, with glibc's vector tanh), or nothing. Callers
// never pass Sigmoid (the backend declines such a layer: dense.cpp).
using scidl::Activation;

// One layer of a chain: y[rows, out] = act(x[rows, in] . w[out, in]^T + bias[out]); bias may be
// null. All row-major and contiguous.
struct Layer {
  int64_t in, out;
  const float* w;
  const float* bias;
  Activation act;
};

// The gradients one layer's backward writes (overwrites); null: not wanted.
struct LayerGrads {
  float* w;
  float* bias;
};

// The losses train_chain computes itself (fused_kinds.h): their mean over every element of the
// prediction, whose gradient for a row needs that row alone.
using scidl::FusedLoss;

// What an optimizer fused into train_chain does with a layer's gradients (train/fused_step.h):
// called as (l, begin, end) once the gradients of layer l's units [begin, end) (those rows of
// dW, those entries of db) are final and nothing left in the pass reads those rows of w, so it
// may change them. Called on the pass's own threads (a short batch's units by the thread that
// computed their gradients), each unit once; calls for different units run concurrently. Not
// called at all when the loss is not finite, so such a step changes no weight.
using UnitsReady = std::function<void(int layer, int64_t begin, int64_t end)>;

// The batch up to which forward_wide and backward_wide take a layer (see below).
constexpr int64_t kWideRows = 256;

}  // namespace scidl::backend::cpu::dense

// The kernels themselves, one copy per instruction set: declared only where such a copy is
// compiled (isa_region.h).
#if defined(SCIDL_CPU_ISA_LEVEL)
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN
namespace dense {

using cpu::dense::enabled;
using cpu::dense::kWideRows;
using cpu::dense::Layer;
using cpu::dense::LayerGrads;
using cpu::dense::UnitsReady;

// Forward through layers[0..n): ys[l] receives layer l's output [rows, layers[l].out], which
// the backward needs. Each thread takes its share of the batch through every layer, a group of
// rows at a time, so a layer's output is the next one's input while it is still in L2, and no
// thread waits for the other between layers.
void forward_chain(int64_t rows, const float* x, const Layer* layers, int n, float* const* ys);

// Backward of forward_chain, from g = dLoss/d ys[n-1]: per layer gz = g * act'(y) (ReLU:
// g * (y > 0); tanh: g * (1 - y^2); none: g), dW = gz^T x, db = column sums of gz, and the
// gradient passed down, gz . w, which stays in a per-thread buffer between layers; gx (may be
// null) receives the one w.r.t. x. ys[n-1] is only read when the last layer has an activation.
void backward_chain(int64_t rows, const float* x, const Layer* layers, int n,
                    const float* const* ys, const float* g, float* gx, const LayerGrads* grads);

// forward_chain, the loss against `target` ([rows, last layer's out]) and backward_chain in
// one pass, a group of rows at a time: the group's activations go from its forward to its
// backward while in L2 and are never written to memory (writing and reading them back was a
// fifth of a batch-5000 step of the three-body network). `prediction` receives the last
// layer's output; gx and grads as backward_chain's, for the mean loss; `ready` (if not empty)
// is called for every unit of every layer, each once. Returns the sum of the losses (the
// caller divides by rows x out for the mean). A short batch (dense_by_units.h) is split
// between the threads by units instead of rows.
double train_chain(int64_t rows, const float* x, const Layer* layers, int n, const float* target,
                   FusedLoss loss, float* prediction, float* gx, const LayerGrads* grads,
                   const UnitsReady& ready = {});

// One layer too wide for the chain (the weight does not fit in L2: a CNN's 9216 -> 128
// classifier) over a short batch (at most kWideRows rows): the threads split the weight rather
// than the batch, so it streams from memory once per pass. y = act(x w^T + b) is computed as
// y^T = w x^T (x transposed first: w is broadcast from, x^T is the block kept in L1).
void forward_wide(int64_t rows, const float* x, const Layer& layer, float* y);
// Its backward: gz = g * act'(y), then gx = gz w (when gx is not null), dW = gz^T x,
// db = column sums of gz (each when wanted).
void backward_wide(int64_t rows, const float* x, const Layer& layer, const float* y, const float* g,
                   float* gx, const LayerGrads& grads);

}  // namespace dense
SCIDL_ISA_END
#endif
