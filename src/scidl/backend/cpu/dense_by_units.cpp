#include "scidl/backend/cpu/dense_by_units.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "scidl/backend/cpu/dense_team.h"
#include "scidl/backend/cpu/gemm_tiles.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/simd16.h"

SCIDL_ISA_BEGIN
namespace dense {

namespace {

using namespace simd;
using namespace gemm_tiles;

// Where a pass keeps a short batch's activations: feature-major blocks (a row of ld floats per
// unit) for the products, and (train_chain only) batch-major copies of the hidden layers'
// outputs for dW. One buffer, reused by every pass of the calling thread.
class UnitBuffers {
 public:
  UnitBuffers(int64_t rows, const Layer* layers, int n, bool batch_major_copies)
      : ld(padded_ld(rows)), yt_(size_t(n)), yb_(size_t(n), nullptr) {
    int64_t widest = layers[0].in;
    for (int l = 0; l < n; ++l) widest = std::max(widest, layers[l].out);
    // Every block is a whole number of rows of ld floats or padded_ld(width) floats
    // (multiples of 16): all stay 64-byte aligned.
    int64_t floats = (layers[0].in + 4 * widest) * ld;
    for (int l = 0; l < n; ++l)
      floats += layers[l].out * ld +
                (batch_major_copies && l + 1 < n ? rows * padded_ld(layers[l].out) : 0);
    thread_local Scratch buffer;
    float* p = buffer.get(size_t(floats));
    auto take = [&p](int64_t count) { return std::exchange(p, p + count); };
    xt = take(layers[0].in * ld);
    for (int l = 0; l < n; ++l) {
      yt_[l] = take(layers[l].out * ld);
      if (batch_major_copies && l + 1 < n) yb_[l] = take(rows * padded_ld(layers[l].out));
    }
    for (float*& b : gt) b = take(widest * ld);
    for (float*& b : gzt) b = take(widest * ld);
  }
  float* yt(int l) const { return yt_[l]; }  // layer l's output, feature-major
  float* yb(int l) const { return yb_[l]; }  // the same batch-major (hidden layers only)

  const int64_t ld;     // between the feature-major rows
  float* xt = nullptr;  // the chain's input, feature-major
  float* gt[2] = {};    // the gradient w.r.t. the last layer's output; the one passed to x
  float* gzt[2] = {};   // gz of a layer; alternate layers alternate, see backward_units

 private:
  std::vector<float*> yt_, yb_;
};

// Where a pass reads each layer's input batch-major (the B operand of dW = gz^T x), and where
// the forward writes each layer's output batch-major (null: not wanted).
struct BatchMajor {
  std::vector<const float*> in;
  std::vector<int64_t> ld_in;
  std::vector<float*> out;  // out[l] (leading dim ld_in[l + 1], or layers[l].out for the last)
};

// GCC 12's _mm512_reduce_add_ps starts from _mm512_undefined_*(), which
// -Wmaybe-uninitialized flags where it is inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
// gz = g * act'(y) over units [u.begin, u.end) of feature-major blocks (rows floats a unit, ld
// apart), and db[o] = the sum of unit o's row of gz when db is not null.
void activation_gradient(const Layer& L, RowRange u, int64_t rows, int64_t ld, const float* g,
                         const float* y, float* gz, float* db) {
  for (int64_t o = u.begin; o < u.end; ++o) {
    const float *gr = g + o * ld, *yr = y + o * ld;
    float* zr = gz + o * ld;
    F16 sum = zero16();
    for (int64_t b = 0; b < rows; b += 16) {
      const F16 v = activation_gradient16(L.act, mask_bits(rows - b), gr + b, yr + b);
      store16(zr + b, v);
      sum = sum + v;
    }
    if (db) db[o] = reduce_add(sum);
  }
}
#pragma GCC diagnostic pop

// Forward, on thread t of a team of nt: the input feature-major (a band of its columns per
// thread), then this thread's units of each layer, y^T[u] = act(w[u] x^T + b[u]), and their
// batch-major copy where `bm` wants one; the next layer waits for every unit.
void forward_units(int t, int nt, int64_t rows, const float* x, const Layer* layers, int n,
                   const UnitBuffers& buf, const BatchMajor& bm) {
  const int64_t ld = buf.ld;
  const RowRange f = block_share(layers[0].in, t, nt);
  if (f.size() > 0) transpose(x + f.begin, rows, f.size(), layers[0].in, buf.xt + f.begin * ld, ld);
  team_barrier(nt);
  const float* in = buf.xt;
  for (int l = 0; l < n; ++l) {
    const Layer& L = layers[l];
    const RowRange u = block_share(L.out, t, nt);
    float* yt = buf.yt(l) + u.begin * ld;
    if (u.size() > 0) {
      gemm_group<AOrder::RowMajor>(
          u.size(), rows, L.in, L.w + u.begin * L.in, L.in, in, ld, yt, ld, false,
          {nullptr, L.act == Activation::Relu, L.bias ? L.bias + u.begin : nullptr});
      if (L.act == Activation::Tanh) tanh_in_place(yt, u.size(), rows, ld);
      if (bm.out[l])
        transpose(yt, u.size(), rows, ld, bm.out[l] + u.begin, l + 1 < n ? bm.ld_in[l + 1] : L.out);
    }
    if (l + 1 < n) team_barrier(nt);
    in = buf.yt(l);
  }
}

// Backward, on thread t of a team of nt, from buf.gt[0], which holds (for this thread's units
// of the last layer) the gradient w.r.t. the last layer's output, feature-major; yt[l] is layer
// l's output feature-major (this thread's units; read when it has an activation). Per layer:
// its rows of dW = gz^T x and, once every unit's gz is in, its units of the gradient passed
// down, w^T gz^T, stored as the layer below's gz (times its activation's derivative, with db
// summed on the way). gz alternates between two buffers: a thread done with layer l writes
// layer l-1's while its partner may still read layer l's (the barrier keeps them at most one
// layer apart). `ready` (may be null): UnitsReady, called for this thread's units of every
// layer once the whole team is through, the last layer first (an optimizer's buffers streamed
// in between the products slowed them: a batch-64 step of the three-body network took 0.43 ms
// instead of 0.40, session 13).
void backward_units(int t, int nt, int64_t rows, const Layer* layers, int n, const UnitBuffers& buf,
                    const float* const* yt, const BatchMajor& bm, float* gx,
                    const LayerGrads* grads, const UnitsReady* ready = nullptr) {
  const int64_t ld = buf.ld;
  for (int l = n - 1; l >= 0; --l) {
    const Layer& L = layers[l];
    const RowRange u = block_share(L.out, t, nt);
    float* gz = buf.gzt[l % 2];
    // Below the last layer, the product that passed the gradient down already stored gz and
    // db for these units (its epilogue: one pass over them fewer a layer).
    if (l == n - 1) activation_gradient(L, u, rows, ld, buf.gt[0], yt[l], gz, grads[l].bias);
    if (grads[l].w && u.size() > 0)
      gemm_group<AOrder::RowMajor>(u.size(), L.in, rows, gz + u.begin * ld, ld, bm.in[l],
                                   bm.ld_in[l], grads[l].w + u.begin * L.in, L.in, false, {});
    if (l == 0 && !gx) break;
    team_barrier(nt);
    // This thread's units of layer l - 1 (or of x), the same it takes in layer l - 1.
    const RowRange v = block_share(L.in, t, nt);
    if (v.size() == 0) continue;
    if (l == 0) {
      float* down = buf.gt[1];
      gemm_group<AOrder::ColMajor>(v.size(), rows, L.out, L.w + v.begin, L.in, gz, ld,
                                   down + v.begin * ld, ld, false, {});
      transpose(down + v.begin * ld, v.size(), rows, ld, gx + v.begin, L.in);
      continue;
    }
    const Layer& below = layers[l - 1];
    Epilogue e;
    if (below.act != Activation::None) e.act_y = yt[l - 1] + v.begin * ld;
    e.tanh = below.act == Activation::Tanh;
    if (grads[l - 1].bias) e.row_sums = grads[l - 1].bias + v.begin;
    gemm_group<AOrder::ColMajor>(v.size(), rows, L.out, L.w + v.begin, L.in, gz, ld,
                                 buf.gzt[(l - 1) % 2] + v.begin * ld, ld, false, e);
  }
  if (!ready) return;
  team_barrier(nt);  // no thread reads a weight any more
  for (int l = n - 1; l >= 0; --l)
    if (const RowRange u = block_share(layers[l].out, t, nt); u.size() > 0)
      (*ready)(l, u.begin, u.end);
}

int team_size(int64_t rows, const Layer* layers, int n) {
  return chain_in_parallel(rows, layers, n) ? omp_get_max_threads() : 1;
}

}  // namespace

void forward_chain_by_units(int64_t rows, const float* x, const Layer* layers, int n,
                            float* const* ys) {
  const UnitBuffers buf(rows, layers, n, false);
  BatchMajor bm;
  for (int l = 0; l < n; ++l) {
    bm.out.push_back(ys[l]);
    bm.ld_in.push_back(layers[l].in);
  }
  on_team(team_size(rows, layers, n),
          [&](int t, int nt) { forward_units(t, nt, rows, x, layers, n, buf, bm); });
}

void backward_chain_by_units(int64_t rows, const float* x, const Layer* layers, int n,
                             const float* const* ys, const float* g, float* gx,
                             const LayerGrads* grads) {
  const UnitBuffers buf(rows, layers, n, false);
  const int64_t ld = buf.ld;
  BatchMajor bm;
  std::vector<const float*> yt(size_t(n), nullptr);
  for (int l = 0; l < n; ++l) {
    bm.in.push_back(l == 0 ? x : ys[l - 1]);
    bm.ld_in.push_back(layers[l].in);
    if (layers[l].act != Activation::None) yt[l] = buf.yt(l);
  }
  on_team(team_size(rows, layers, n), [&](int t, int nt) {
    // The outputs the activations' gradients read, and g, feature-major: each thread its own
    // units, which it alone reads.
    for (int l = 0; l < n; ++l) {
      const RowRange u = block_share(layers[l].out, t, nt);
      if (yt[l] && u.size() > 0)
        transpose(ys[l] + u.begin, rows, u.size(), layers[l].out, buf.yt(l) + u.begin * ld, ld);
    }
    const int64_t out = layers[n - 1].out;
    const RowRange u = block_share(out, t, nt);
    if (u.size() > 0) transpose(g + u.begin, rows, u.size(), out, buf.gt[0] + u.begin * ld, ld);
    backward_units(t, nt, rows, layers, n, buf, yt.data(), bm, gx, grads);
  });
}

double train_chain_by_units(int64_t rows, const float* x, const Layer* layers, int n,
                            const float* target, FusedLoss loss, float* prediction, float* gx,
                            const LayerGrads* grads, const UnitsReady& ready) {
  const UnitBuffers buf(rows, layers, n, true);
  const int64_t ld = buf.ld, out = layers[n - 1].out;
  const float scale = 1.0f / float(rows * out);
  BatchMajor bm;
  std::vector<const float*> yt(size_t(n), nullptr);
  for (int l = 0; l < n; ++l) {
    bm.in.push_back(l == 0 ? x : buf.yb(l - 1));
    bm.ld_in.push_back(l == 0 ? layers[0].in : padded_ld(layers[l].in));
    bm.out.push_back(buf.yb(l));  // null for the last layer: the loss writes the prediction
    yt[l] = buf.yt(l);
  }
  const int threads = team_size(rows, layers, n);
  std::vector<double> loss_sums(size_t(threads), 0.0);
  // Every thread's loss is in before the backward's first barrier, so before any update.
  const UnitsReady if_finite = [&](int l, int64_t begin, int64_t end) {
    double sum = 0;
    for (double s : loss_sums) sum += s;
    if (std::isfinite(sum)) ready(l, begin, end);
  };
  on_team(threads, [&](int t, int nt) {
    forward_units(t, nt, rows, x, layers, n, buf, bm);
    {  // the loss and its gradient on this thread's units of the output
      const RowRange u = block_share(out, t, nt);
      const float* y = buf.yt(n - 1);
      double sum = 0;
      for (int64_t o = u.begin; o < u.end; ++o)
        for (int64_t b = 0; b < rows; ++b) {
          const float p = y[o * ld + b];
          sum += element_loss(loss, p, target[b * out + o], scale, buf.gt[0][o * ld + b]);
          prediction[b * out + o] = p;
        }
      loss_sums[t] = sum;
    }
    backward_units(t, nt, rows, layers, n, buf, yt.data(), bm, gx, grads,
                   ready ? &if_finite : nullptr);
  });
  double sum = 0;
  for (double s : loss_sums) sum += s;
  return sum;
}

}  // namespace dense
SCIDL_ISA_END
