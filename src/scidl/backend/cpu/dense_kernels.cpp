#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/backend/cpu/dense_by_units.h"
#include "scidl/backend/cpu/dense_team.h"
#include "scidl/backend/cpu/dense_tiles.h"
#include "scidl/backend/cpu/gemm_tiles.h"
#include "scidl/backend/cpu/simd16.h"
#include "scidl/backend/cpu/vector_math.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN
namespace dense {

namespace {

using namespace simd;

using namespace gemm_tiles;

// Rows per group: callers of gemm_group pass at most this many, so A and C stay in L2 across
// the blocks of B.
constexpr int64_t kGroupRows = 192;
// The same for train_chain, whose group keeps every layer's activations in L2 at once.
constexpr int64_t kTrainGroupRows = 96;

// A thread's buffers for one row group of the backward: gz, with a conflict-free leading
// dimension (see padded_ld), and the gradient passed down to the layer below (one buffer does:
// a layer reads it into gz before overwriting it).
struct GroupBuffers {
  float *gz, *down;
};

// Layer l's backward for rows [r0, r0 + nr): g (leading dim ldg_in) is the gradient w.r.t. its
// output, x (leading dim ldx_in) its input, y (leading dim ldy) its output (read for the
// activation's gradient); adds dW^T
// [in, out] and db into gwt_part / gb_part and writes gz . w into `down` (leading dim in) when
// it is not null. dW^T = x^T gz rather than dW = gz^T x: gz, in our padded buffer, is then the
// B operand that must stay in L1, and x is only broadcast from, so it needs no padded copy
// (copying it cost 6% of a batch-5000 step).
void backward_group(int64_t nr, const Layer& L, const float* wp, int64_t ldw,
                    const amx::Planes* w_split, const float* g, int64_t ldg_in, const float* y,
                    int64_t ldy, const float* x, int64_t ldx_in, const GroupBuffers& buf,
                    int64_t widest, float* down, float* gwt_part, float* gb_part) {
  const int64_t in = L.in, out = L.out, ldg = padded_ld(out);
  // gz = g * act'(y) (ReLU: g where y > 0; tanh: g * (1 - y^2)), and db += the column sums of
  // gz in the same pass, kSumVectors columns vectors at a time whose sums stay in registers.
  constexpr int kSumVectors = gemm_tiles::kVectors >= 4 ? 8 : 4;  // sums held in registers
  for (int64_t c_begin = 0; c_begin < out; c_begin += 16 * kSumVectors) {
    F16 sums[kSumVectors];
#pragma GCC unroll 8
    for (int j = 0; j < kSumVectors; ++j)
      sums[j] = gb_part && c_begin + 16 * j < out
                    ? load16(mask_bits(out - c_begin - 16 * j), gb_part + c_begin + 16 * j)
                    : zero16();
    for (int64_t r = 0; r < nr; ++r) {
      const float* gr = g + r * ldg_in;
      const float* yr = L.act != Activation::None ? y + r * ldy : nullptr;
#pragma GCC unroll 8
      for (int j = 0; j < kSumVectors; ++j) {
        const int64_t c0 = c_begin + 16 * j;
        if (c0 >= out) break;
        const float* yc = yr ? yr + c0 : nullptr;
        const F16 v = out - c0 >= 16
                          ? activation_gradient16(L.act, gr + c0, yc)
                          : activation_gradient16(L.act, mask_bits(out - c0), gr + c0, yc);
        store16(buf.gz + r * ldg + c0, v);
        sums[j] = sums[j] + v;
      }
    }
    if (gb_part)
#pragma GCC unroll 8
      for (int j = 0; j < kSumVectors; ++j)
        if (c_begin + 16 * j < out)
          store16(gb_part + c_begin + 16 * j, mask_bits(out - c_begin - 16 * j), sums[j]);
  }
#if defined(SCIDL_HAVE_AMX)
  if (w_split) {
    backward_products_on_tiles(nr, L, *w_split, buf.gz, ldg, x, ldx_in, down, gwt_part, widest);
    return;
  }
#else
  (void)w_split;
  (void)widest;
#endif
  if (down) gemm_group<AOrder::RowMajor>(nr, in, out, buf.gz, ldg, wp, ldw, down, in, false, {});
  if (gwt_part)
    gemm_group<AOrder::ColMajor>(in, out, nr, x, ldx_in, buf.gz, ldg, gwt_part, out, true, {});
}

// How a group's activations lie: rows as wide as the layer (the caller's tensors), or rows
// padded to padded_ld (train_chain's own buffers). The dW product walks down a column of its
// input: rows 512 bytes apart (128 floats) put 64 of them into 8 of L1's 64 sets, which then
// evict each other between the bands of rows that reuse them.
enum class Layout { Contiguous, Padded };
int64_t ld_of(Layout layout, int64_t width) {
  return layout == Layout::Padded ? padded_ld(width) : width;
}

// One buffer (per constructing thread, reused) holding a packed copy of every layer's weight,
// each 64-byte aligned: for a layer on tiles its split for the tile unit (split(l)), otherwise
// fma_floats(L) floats at at(l). The forward and the backward each keep one.
class PackedWeights {
 public:
  template <typename FmaFloats>
  PackedWeights(const Layer* layers, int n, int64_t rows, Scratch& buffer, FmaFloats fma_floats)
      : offset_(size_t(n) + 1, 0), split_(size_t(n)) {
    for (int l = 0; l < n; ++l) {
      const Layer& L = layers[l];
      const int64_t floats = on_tiles(L, rows) ? floats_for_tiles(L) : fma_floats(L);
      offset_[l + 1] = offset_[l] + (floats + 15) / 16 * 16;
    }
    base_ = buffer.get(size_t(offset_[n]));
#if defined(SCIDL_HAVE_AMX)
    for (int l = 0; l < n; ++l)
      if (on_tiles(layers[l], rows)) {
        split_[l] = planes_at(base_ + offset_[l], layers[l].in * layers[l].out);
        any_split_ = true;
      }
#endif
  }
  float* at(int l) const { return base_ + offset_[l]; }
  const amx::Planes* split(int l) const { return split_[l] ? &*split_[l] : nullptr; }
  bool any_split() const { return any_split_; }  // whose threads need the tile unit

 private:
  std::vector<int64_t> offset_;
  std::vector<std::optional<amx::Planes>> split_;
  bool any_split_ = false;
  float* base_ = nullptr;
};

// Every layer's W^T (row k holds every output's weight k) for the forward products, packed
// once for all threads, each packing a share of every layer's outputs.
// Layers on tiles (on_tiles) get W^T split for the tile unit instead, each by one thread.
class ForwardWeights {
 public:
  ForwardWeights(const Layer* layers, int n, int64_t rows)
      : layers_(layers),
        n_(n),
        wt_(layers, n, rows, buffer(), [](const Layer& L) { return L.in * padded_ld(L.out); }) {}
  bool on_tiles() const { return wt_.any_split(); }
  void pack_share(int t, int nt) const {
    for (int l = 0; l < n_; ++l) {
      const Layer& L = layers_[l];
#if defined(SCIDL_HAVE_AMX)
      if (const amx::Planes* split = wt_.split(l)) {
        if (l % nt == t) {  // W^T (in x out) as B
          thread_local Scratch transposed;
          float* wt = transposed.get(size_t(L.in * L.out));
          transpose(L.w, L.out, L.in, L.in, wt, L.out);
          amx::split_pairs(wt, L.in, L.out, L.out, L.in, *split);
        }
        continue;
      }
#endif
      const RowRange o = block_share(L.out, t, nt);
      if (o.end > o.begin)
        transpose(L.w + o.begin * L.in, o.end - o.begin, L.in, L.in, wt_.at(l) + o.begin,
                  padded_ld(L.out));
    }
  }
  // Rows [0, nr) of x (leading dim ld_x) through every layer; layer l's output goes to ys[l]
  // (laid out as `layout` says), the next layer's input.
  void run_group(int64_t nr, const float* x, int64_t ld_x, float* const* ys, Layout layout) const {
    for (int l = 0; l < n_; ++l) {
      const Layer& L = layers_[l];
      const int64_t ld_y = ld_of(layout, L.out);
#if defined(SCIDL_HAVE_AMX)
      if (const amx::Planes* split = wt_.split(l)) {
        thread_local Scratch buffer;
        const int64_t rows_pad = tile_rows(nr);
        const amx::Planes a =
            planes_at(buffer.get(size_t(floats_for_planes(rows_pad * L.in))), rows_pad * L.in);
        amx::split_rows(x, nr, L.in, ld_x, rows_pad, a);
        amx::gemm(nr, L.out, L.in, a, *split, ys[l], ld_y, false,
                  {L.bias, L.act == Activation::Relu});
      } else
#endif
        gemm_group<AOrder::RowMajor>(nr, L.out, L.in, x, ld_x, wt_.at(l), padded_ld(L.out), ys[l],
                                     ld_y, false, {L.bias, L.act == Activation::Relu});
      if (L.act == Activation::Tanh) tanh_in_place(ys[l], nr, L.out, ld_y);
      x = ys[l];
      ld_x = ld_y;
    }
  }

 private:
  static Scratch& buffer() {
    thread_local Scratch b;
    return b;
  }
  const Layer* layers_;
  int n_;
  PackedWeights wt_;
};

// What the backward of a chain shares between its threads: every layer's w with a
// conflict-free leading dimension, for the gradient passed down (the first layer's only when
// gx is wanted), and a slice per thread into which it sums its rows' dW^T and db. The slices are
// added at the end in thread order (so the result does not depend on timing) and dW^T is
// transposed into place.
class BackwardState {
 public:
  BackwardState(const Layer* layers, int n, int64_t rows, const LayerGrads* grads, bool wants_gx,
                int threads)
      : layers_(layers),
        n_(n),
        grads_(grads),
        wants_gx_(wants_gx),
        wp_(layers, n, rows, w_buffer(), [](const Layer& L) { return L.out * padded_ld(L.in); }),
        part_offset_(size_t(n) + 1, 0) {
    thread_local Scratch partial_buffer;
    for (int l = 0; l < n; ++l) {
      const Layer& L = layers[l];
      part_offset_[l + 1] =
          part_offset_[l] + (grads[l].w ? L.out * L.in : 0) + (grads[l].bias ? L.out : 0);
      widest_ = std::max({widest_, padded_ld(L.in), padded_ld(L.out)});
    }
    slice_ = part_offset_[n];
    partials_ = partial_buffer.get(size_t(slice_ * threads));
  }
  int64_t widest() const { return widest_; }
  bool on_tiles() const { return wp_.any_split(); }

  // Before the products: a share of every layer's weight rows copied, this thread's slice
  // cleared.
  void prepare_share(int t, int nt) const {
    for (int l = wants_gx_ ? 0 : 1; l < n_; ++l) {
      const Layer& L = layers_[l];
#if defined(SCIDL_HAVE_AMX)
      if (const amx::Planes* split = wp_.split(l)) {  // w (out x in) as B, by one thread
        if (l % nt == t) amx::split_pairs(L.w, L.out, L.in, L.in, L.out, *split);
        continue;
      }
#endif
      const RowRange o = block_share(L.out, t, nt);
      for (int64_t i = o.begin; i < o.end; ++i)
        std::copy(L.w + i * L.in, L.w + (i + 1) * L.in, wp_.at(l) + i * padded_ld(L.in));
    }
    std::fill(partials_ + t * slice_, partials_ + (t + 1) * slice_, 0.0f);
  }

  // Rows [0, nr) back through every layer, from g (leading dim ld_g), the gradient w.r.t. the
  // last layer's output. x (leading dim ld_x) is the chain's input and ys[l] layer l's output
  // (laid out as `layout` says; the last only read when that layer has an activation); gx
  // (leading dim layers[0].in) receives the gradient w.r.t. x when not null.
  void run_group(int t, int64_t nr, const float* x, int64_t ld_x, const float* const* ys,
                 Layout layout, const float* g, int64_t ld_g, float* gx,
                 const GroupBuffers& buf) const {
    for (int l = n_ - 1; l >= 0; --l) {
      const Layer& L = layers_[l];
      const float* x_l = l == 0 ? x : ys[l - 1];
      const int64_t ld_x_l = l == 0 ? ld_x : ld_of(layout, L.in);
      float* down = l > 0 ? buf.down : gx;
      const LayerGrads part = part_of(t, l);
      const float* y_l = L.act != Activation::None ? ys[l] : nullptr;
      backward_group(nr, L, wp_.at(l), padded_ld(L.in), wp_.split(l), g, ld_g, y_l,
                     ld_of(layout, L.out), x_l, ld_x_l, buf, widest_, down, part.w, part.bias);
      g = down;
      ld_g = L.in;
    }
  }

  // After every thread's rows: the slices summed into thread 0's, each thread adding up its own
  // range of it, and dW (transposed back) and db written out. Every thread of the team calls it.
  void finish_share(int t, int nt) const {
    if (nt > 1) {
#pragma omp barrier
      const RowRange mine = block_share(slice_, t, nt);
      for (int u = 1; u < nt; ++u)
        for (int64_t i = mine.begin; i < mine.end; ++i) partials_[i] += partials_[u * slice_ + i];
#pragma omp barrier
    }
    for (int l = 0; l < n_; ++l) {
      const Layer& L = layers_[l];
      const LayerGrads sum = part_of(0, l);
      const RowRange in = block_share(L.in, t, nt);  // rows of dW^T: columns of dW
      if (grads_[l].w && in.end > in.begin)
        transpose(sum.w + in.begin * L.out, in.end - in.begin, L.out, L.out, grads_[l].w + in.begin,
                  L.in);
      if (grads_[l].bias && t == 0) std::copy(sum.bias, sum.bias + L.out, grads_[l].bias);
    }
  }

 private:
  static Scratch& w_buffer() {
    thread_local Scratch b;
    return b;
  }
  LayerGrads part_of(int t, int l) const {
    float* base = partials_ + t * slice_ + part_offset_[l];
    return {grads_[l].w ? base : nullptr,
            grads_[l].bias ? base + (grads_[l].w ? layers_[l].out * layers_[l].in : 0) : nullptr};
  }

  const Layer* layers_;
  int n_;
  const LayerGrads* grads_;
  bool wants_gx_;
  PackedWeights wp_;  // w with a conflict-free leading dimension, or split for the tiles
  std::vector<int64_t> part_offset_;
  int64_t widest_ = 0, slice_ = 0;
  float* partials_ = nullptr;
};

// A thread's gz and down buffers for groups of up to `rows` rows.
GroupBuffers group_buffers(int64_t rows, int64_t widest) {
  thread_local Scratch buffer;
  float* base = buffer.get(size_t(2 * rows * widest));
  return {base, base + rows * widest};
}

// The mean loss's gradient w.r.t. rows [0, count) of a prediction p (count elements, with the
// target t alongside), written to g; returns the sum of the rows' losses. scale = 1 / (the
// elements the mean is over).
double row_loss(FusedLoss kind, const float* p, const float* t, int64_t count, float scale,
                float* g) {
  double sum = 0;
  for (int64_t i = 0; i < count; ++i) sum += element_loss(kind, p[i], t[i], scale, g[i]);
  return sum;
}

}  // namespace

void forward_chain(int64_t rows, const float* x, const Layer* layers, int n, float* const* ys) {
  if (rows <= 0 || n <= 0) return;
  if (rows <= kUnitSplitMaxRows) return forward_chain_by_units(rows, x, layers, n, ys);
  const ForwardWeights weights(layers, n, rows);
  const bool tiles = weights.on_tiles();
  on_team(chain_in_parallel(rows, layers, n) ? omp_get_max_threads() : 1, [&](int t, int nt) {
    const TileThread tile_thread(tiles);
    weights.pack_share(t, nt);
    team_barrier(nt);
    const RowRange range = share_of(rows, t, nt);
    std::vector<float*> y_rows(size_t(n), nullptr);
    for (int64_t r0 = range.begin; r0 < range.end; r0 += kGroupRows) {
      for (int l = 0; l < n; ++l) y_rows[l] = ys[l] + r0 * layers[l].out;
      weights.run_group(std::min(kGroupRows, range.end - r0), x + r0 * layers[0].in, layers[0].in,
                        y_rows.data(), Layout::Contiguous);
    }
  });
}

void backward_chain(int64_t rows, const float* x, const Layer* layers, int n,
                    const float* const* ys, const float* g, float* gx, const LayerGrads* grads) {
  if (n <= 0) return;
  if (layers[n - 1].act != Activation::None && !ys[n - 1])
    throw std::invalid_argument("dense::backward_chain: an activation needs the forward output");
  if (rows > 0 && rows <= kUnitSplitMaxRows)  // (no rows: the old path writes zero gradients)
    return backward_chain_by_units(rows, x, layers, n, ys, g, gx, grads);
  const int threads = chain_in_parallel(rows, layers, n) ? omp_get_max_threads() : 1;
  const BackwardState state(layers, n, rows, grads, gx != nullptr, threads);
  const bool tiles = state.on_tiles();
  on_team(threads, [&](int t, int nt) {
    const TileThread tile_thread(tiles);
    state.prepare_share(t, nt);
    team_barrier(nt);
    const GroupBuffers buf = group_buffers(kGroupRows, state.widest());
    const RowRange range = share_of(rows, t, nt);
    std::vector<const float*> y_rows(size_t(n), nullptr);
    for (int64_t r0 = range.begin; r0 < range.end; r0 += kGroupRows) {
      for (int l = 0; l < n; ++l) y_rows[l] = ys[l] ? ys[l] + r0 * layers[l].out : nullptr;
      state.run_group(t, std::min(kGroupRows, range.end - r0), x + r0 * layers[0].in, layers[0].in,
                      y_rows.data(), Layout::Contiguous, g + r0 * layers[n - 1].out,
                      layers[n - 1].out, gx ? gx + r0 * layers[0].in : nullptr, buf);
    }
    state.finish_share(t, nt);
  });
}

double train_chain(int64_t rows, const float* x, const Layer* layers, int n, const float* target,
                   FusedLoss loss, float* prediction, float* gx, const LayerGrads* grads,
                   const UnitsReady& ready) {
  if (rows <= 0 || n <= 0) return 0.0;
  if (rows <= kUnitSplitMaxRows)
    return train_chain_by_units(rows, x, layers, n, target, loss, prediction, gx, grads, ready);
  const int threads = chain_in_parallel(rows, layers, n) ? omp_get_max_threads() : 1;
  const ForwardWeights weights(layers, n, rows);
  const BackwardState state(layers, n, rows, grads, gx != nullptr, threads);
  const int64_t out = layers[n - 1].out;
  const float scale = 1.0f / float(rows * out);
  std::vector<double> loss_sums(size_t(threads), 0.0);
  const bool tiles = weights.on_tiles() || state.on_tiles();
  on_team(threads, [&](int t, int nt) {
    const TileThread tile_thread(tiles);
    weights.pack_share(t, nt);
    state.prepare_share(t, nt);
    team_barrier(nt);
    // A group's activations, every layer's (rows padded: see Layout), and the loss gradient:
    // kTrainGroupRows rows of each stay in this thread's L2 from the forward to the backward.
    thread_local Scratch act_buffer;
    int64_t act_size = out;
    for (int l = 0; l < n; ++l) act_size += padded_ld(layers[l].out);
    float* act = act_buffer.get(size_t(kTrainGroupRows * act_size));
    std::vector<float*> y_rows(size_t(n), nullptr);
    for (int l = 0; l < n; ++l)
      y_rows[l] = l == 0 ? act : y_rows[l - 1] + kTrainGroupRows * padded_ld(layers[l - 1].out);
    const float* y_out = y_rows[n - 1];
    const int64_t ld_out = padded_ld(out);
    float* g = y_rows[n - 1] + kTrainGroupRows * ld_out;  // [nr, out], contiguous
    const GroupBuffers buf = group_buffers(kTrainGroupRows, state.widest());
    const RowRange range = share_of(rows, t, nt);
    for (int64_t r0 = range.begin; r0 < range.end; r0 += kTrainGroupRows) {
      const int64_t nr = std::min(kTrainGroupRows, range.end - r0);
      const float* xr = x + r0 * layers[0].in;
      weights.run_group(nr, xr, layers[0].in, y_rows.data(), Layout::Padded);
      for (int64_t r = 0; r < nr; ++r) {
        loss_sums[t] +=
            row_loss(loss, y_out + r * ld_out, target + (r0 + r) * out, out, scale, g + r * out);
        std::copy(y_out + r * ld_out, y_out + r * ld_out + out, prediction + (r0 + r) * out);
      }
      state.run_group(t, nr, xr, layers[0].in, y_rows.data(), Layout::Padded, g, out,
                      gx ? gx + r0 * layers[0].in : nullptr, buf);
    }
    state.finish_share(t, nt);
  });
  double sum = 0;
  for (double s : loss_sums) sum += s;
  if (ready && std::isfinite(sum))  // dW is summed over the threads' rows only at the end
    on_team(threads, [&](int t, int nt) {
      for (int l = 0; l < n; ++l)
        if (const RowRange u = block_share(layers[l].out, t, nt); u.size() > 0)
          ready(l, u.begin, u.end);
    });
  return sum;
}

namespace {

// Columns [begin, end) of `cols` that thread t of n takes: whole 64-wide panels.
RowRange columns_of(int64_t cols, int t, int n) {
  const int64_t panels = (cols + kPanel - 1) / kPanel;
  return {std::min(cols, panels * t / n * kPanel), std::min(cols, panels * (t + 1) / n * kPanel)};
}

}  // namespace

void forward_wide(int64_t rows, const float* x, const Layer& L, float* y) {
  if (rows <= 0) return;
  const int64_t ldt = padded_ld(rows);
  thread_local Scratch xt_buffer, yt_buffer;
  float* xt = xt_buffer.get(size_t(L.in * ldt));
  float* yt = yt_buffer.get(size_t(L.out * ldt));
#pragma omp parallel
  {
    const int t = omp_get_thread_num(), n = omp_get_num_threads();
    // x^T, a band of its rows (x's columns) per thread
    const RowRange cols = columns_of(L.in, t, n);
    if (cols.end > cols.begin)
      transpose(x + cols.begin, rows, cols.end - cols.begin, L.in, xt + cols.begin * ldt, ldt);
#pragma omp barrier
    const RowRange mine = share_of(L.out, t, n);  // y^T's rows: output units
    if (mine.end > mine.begin)
      gemm_group<AOrder::RowMajor>(mine.end - mine.begin, rows, L.in, L.w + mine.begin * L.in, L.in,
                                   xt, ldt, yt + mine.begin * ldt, ldt, false, {});
  }
  // y = act(transpose(y^T) + b): out x rows floats, a few thousand
  transpose(yt, L.out, rows, ldt, y, L.out);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < L.out; ++o) {
      const float v = y[r * L.out + o] + (L.bias ? L.bias[o] : 0.0f);
      y[r * L.out + o] = L.act == Activation::Relu && v < 0.0f ? 0.0f : v;
    }
  if (L.act == Activation::Tanh) tanh_in_place(y, rows, L.out, L.out);
}

void backward_wide(int64_t rows, const float* x, const Layer& L, const float* y, const float* g,
                   float* gx, const LayerGrads& grads) {
  if (L.act != Activation::None && !y)
    throw std::invalid_argument("dense::backward_wide: an activation needs the forward output");
  thread_local Scratch gz_buffer;
  float* gz = gz_buffer.get(size_t(std::max<int64_t>(rows, 1) * L.out));
  for (int64_t i = 0; i < rows * L.out; ++i)
    gz[i] = L.act == Activation::Tanh   ? g[i] * (1.0f - y[i] * y[i])
            : L.act == Activation::Relu ? (y[i] > 0.0f ? g[i] : 0.0f)
                                        : g[i];
  if (grads.bias)
    for (int64_t o = 0; o < L.out; ++o) {
      float s = 0.0f;
      for (int64_t r = 0; r < rows; ++r) s += gz[r * L.out + o];
      grads.bias[o] = s;
    }
  if (!gx && !grads.w) return;
#pragma omp parallel
  {
    // Panel by panel of this thread's columns: the panel of w (for gx) and of x (for dW) is
    // first copied to a contiguous block, since rows of the originals lie a multiple of 4 KB
    // apart (9216 floats) and would all fall into the same few L1 sets.
    thread_local Scratch panel_buffer;
    float* panel = panel_buffer.get(size_t(std::max(L.out, rows) * kPanel));
    const RowRange cols = columns_of(L.in, omp_get_thread_num(), omp_get_num_threads());
    for (int64_t c0 = cols.begin; c0 < cols.end; c0 += kPanel) {
      const int64_t nc = std::min(kPanel, cols.end - c0);
      auto pack = [&](const float* src, int64_t k) {
        for (int64_t i = 0; i < k; ++i)
          std::copy(src + i * L.in + c0, src + i * L.in + c0 + nc, panel + i * kPanel);
      };
      if (gx && rows > 0) {  // gx = gz w
        pack(L.w, L.out);
        gemm_group<AOrder::RowMajor>(rows, nc, L.out, gz, L.out, panel, kPanel, gx + c0, L.in,
                                     false, {});
      }
      if (grads.w) {  // dW = gz^T x
        pack(x, rows);
        gemm_group<AOrder::ColMajor>(L.out, nc, rows, gz, L.out, panel, kPanel, grads.w + c0, L.in,
                                     false, {});
      }
    }
  }
}

}  // namespace dense
SCIDL_ISA_END
