// The time loops of the recurrent layers (backend.h: lstm_forward, gru_forward and their
// backwards): each step is one GEMM of the states with W_hh into preallocated rows and one fused
// pass over the gates. Batch rows never meet in a recurrence, so each thread takes a block of
// rows through every step: no barrier and no allocation between steps. In float32 the steps'
// products take W_hh packed once per sequence (packed_weight.h) where oneDNN is on.
#include <omp.h>

#include <cmath>
#include <memory>
#include <type_traits>

#include "scidl/backend/cpu/blas.h"
#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/packed_weight.h"
#include "scidl/backend/cpu/vector_math.h"

SCIDL_ISA_BEGIN

namespace {

// Below this many multiply-adds per step (B x gates x H) one thread runs the whole batch. From
// here up (the lecture's LSTM, 64 x 256 x 64 = 1M) a team of row blocks is faster on a quiet
// machine (1.00 -> 0.83 ms a training step); on an oversubscribed one its join can wait a time
// slice for a descheduled partner, as every OpenMP team can (measurements: bench/RESULTS.md,
// lstm_step).
constexpr int64_t kParallelStepWork = 512 * 1024;

bool one_block(int64_t batch, int64_t step_work) {
  return batch < 8 || step_work < kParallelStepWork || omp_get_max_threads() == 1 ||
         omp_in_parallel();
}

// The most rows a block of over_row_blocks has.
int64_t block_rows(int64_t batch, int64_t step_work) {
  if (one_block(batch, step_work)) return batch;
  const int64_t threads = omp_get_max_threads();
  return (batch + threads - 1) / threads;
}

// Runs rows(begin, end) once over the whole batch, or once per thread on a block of rows.
template <typename Rows>
void over_row_blocks(int64_t batch, int64_t step_work, Rows&& rows) {
  if (one_block(batch, step_work)) {
    SingleThreadedBlas one_thread;
    rows(int64_t{0}, batch);
    return;
  }
#pragma omp parallel
  {
    // Inside a team the OpenMP OpenBLAS runs each product on its calling thread.
    const int64_t t = omp_get_thread_num(), threads = omp_get_num_threads();
    const int64_t begin = batch * t / threads, end = batch * (t + 1) / threads;
    if (end > begin) rows(begin, end);
  }
}

template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

using onednn::PackedWeight;

// From this many multiply-adds per step the products take W_hh packed once per sequence. Per
// 100 steps of one thread's 32 rows, forward and backward products (bench/RESULTS.md): hidden
// 256 41.6 ms through OpenBLAS, 25.2 packed; hidden 128 (4M a step) 9.9 and 6.3; hidden 64 (1M)
// 2.4 and 2.0, but the lecture's 10-step training step was no faster packed (the packing and
// oneDNN's cost per call), so it stays on OpenBLAS.
constexpr int64_t kPackedStepWork = 2 * 1024 * 1024;

// W_hh packed for the steps' products of a sequence (float32; none in float64 or below the
// threshold): c = a op(W_hh), op the transpose in the forward ([B, H] x [H, G]), not in the
// backward ([B, G] x [G, H]); rows: the most a block has.
template <typename T>
std::unique_ptr<PackedWeight> packed_w_hh(const T* w, int64_t G, int64_t H, bool forward,
                                          int64_t batch, int64_t step_work) {
  if constexpr (std::is_same_v<T, float>) {
    if (step_work < kPackedStepWork) return nullptr;
    const int64_t rows = block_rows(batch, step_work);
    return forward ? std::make_unique<PackedWeight>(w, H, G, true, rows)
                   : std::make_unique<PackedWeight>(w, G, H, false, rows);
  }
  return nullptr;
}

// One step's product for a block of rows, c = a op(w) + beta c: through the packed weight where
// there is one, else OpenBLAS (which packs w again on every call).
template <typename T>
void step_product(const PackedWeight* packed, bool transposed, int64_t m, int64_t n, int64_t k,
                  const T* a, int64_t lda, const T* w, int64_t ldw, T beta, T* c, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>)
    if (packed && packed->multiply(m, a, lda, beta, c, ldc)) return;
  gemm<T>(false, transposed, m, n, k, T(1), a, lda, w, ldw, beta, c, ldc);
}

// The bias of the recurrent products, or zeros when the layer has none (one loop, no branch).
Tensor bias_or_zeros(const Tensor& bias, int64_t n, DType dtype) {
  return bias.defined() ? bias : zeros({n}, dtype);
}

// The row functions take __restrict pointers to one row of each buffer, so the loop vectorises
// (with glibc's vector exp and tanh) instead of going through the captured base pointers.

// One LSTM step of one row: gates [4H] = input products + recurrent products in, (i, f, g, o)
// out; c and h of the step.
template <typename T>
void lstm_row_forward(int64_t H, T* __restrict gates, const T* __restrict bias,
                      const T* __restrict c_prev, T* __restrict c, T* __restrict h) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const T i = sigmoid(gates[j] + bias[j]), f = sigmoid(gates[H + j] + bias[H + j]);
    const T g = std::tanh(gates[2 * H + j] + bias[2 * H + j]);
    const T o = sigmoid(gates[3 * H + j] + bias[3 * H + j]);
    gates[j] = i, gates[H + j] = f, gates[2 * H + j] = g, gates[3 * H + j] = o;
    c[j] = f * c_prev[j] + i * g;
    h[j] = o * std::tanh(c[j]);
  }
}

// Its gradient: dh and dc carry the gradients from the later steps in and the ones to the
// earlier step's c out (dh's is added by the GEMM after); grad_gates gets the pre-activations'.
template <typename T>
void lstm_row_backward(int64_t H, const T* __restrict gates, const T* __restrict c_prev,
                       const T* __restrict c, const T* __restrict grad_h, T* __restrict dh,
                       T* __restrict dc, T* __restrict grad_gates) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const T i = gates[j], f = gates[H + j], g = gates[2 * H + j], o = gates[3 * H + j];
    const T tanh_c = std::tanh(c[j]);
    const T dh_j = dh[j] + grad_h[j];
    const T dc_j = dc[j] + dh_j * o * (T(1) - tanh_c * tanh_c);
    grad_gates[j] = dc_j * g * i * (T(1) - i);
    grad_gates[H + j] = dc_j * c_prev[j] * f * (T(1) - f);
    grad_gates[2 * H + j] = dc_j * i * (T(1) - g * g);
    grad_gates[3 * H + j] = dh_j * tanh_c * o * (T(1) - o);
    dc[j] = dc_j * f;
  }
}

// One GRU step of one row: gates [3H] = input products in, (r, z, n) out; hidden [3H] the
// recurrent products h W_hh^T, to which the bias is added here; hn gets n's recurrent part.
template <typename T>
void gru_row_forward(int64_t H, T* __restrict gates, const T* __restrict hidden,
                     const T* __restrict bias, const T* __restrict h_prev, T* __restrict hn,
                     T* __restrict h) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const T r = sigmoid(gates[j] + hidden[j] + bias[j]);
    const T z = sigmoid(gates[H + j] + hidden[H + j] + bias[H + j]);
    hn[j] = hidden[2 * H + j] + bias[2 * H + j];
    const T n = std::tanh(gates[2 * H + j] + r * hn[j]);
    gates[j] = r, gates[H + j] = z, gates[2 * H + j] = n;
    h[j] = (T(1) - z) * n + z * h_prev[j];
  }
}

// Its gradient: the input side's pre-activations (grad_input) and the recurrent side's
// (grad_hidden, which differs in n's block by the factor r); dh in: from the later steps, out:
// the direct part z dh of the earlier state's (the GEMM adds the rest).
template <typename T>
void gru_row_backward(int64_t H, const T* __restrict gates, const T* __restrict hn,
                      const T* __restrict h_prev, const T* __restrict grad_h, T* __restrict dh,
                      T* __restrict grad_input, T* __restrict grad_hidden) {
#pragma omp simd
  for (int64_t j = 0; j < H; ++j) {
    const T r = gates[j], z = gates[H + j], n = gates[2 * H + j];
    const T dh_j = dh[j] + grad_h[j];
    const T dn = dh_j * (T(1) - z) * (T(1) - n * n);
    const T dz = dh_j * (h_prev[j] - n) * z * (T(1) - z);
    const T dr = dn * hn[j] * r * (T(1) - r);
    grad_input[j] = grad_hidden[j] = dr;
    grad_input[H + j] = grad_hidden[H + j] = dz;
    grad_input[2 * H + j] = dn;
    grad_hidden[2 * H + j] = dn * r;
    dh[j] = dh_j * z;
  }
}

// The shapes of a run: T steps, B rows, H units, G = gates x H.
struct Run {
  int64_t T, B, H, G;
};

Run run_of(const Tensor& gates, const Tensor& w_hh) {
  return {gates.size(0), gates.size(1), w_hh.size(1), w_hh.size(0)};
}

// Row b of step t of a [T, B, n] view whose last stride is 1.
template <typename T>
const T* row(const Tensor& steps, int64_t t, int64_t b) {
  return steps.data<T>() + t * steps.strides()[0] + b * steps.strides()[1];
}

}  // namespace

void CpuBackend::lstm_forward(const Tensor& w_hh, const Tensor& b_hh, const Tensor& gates,
                              const Tensor& h, const Tensor& c) {
  const Run r = run_of(gates, w_hh);
  dispatch_float(gates.dtype(), [&]<typename T>() {
    const Tensor bias = bias_or_zeros(b_hh, r.G, gates.dtype());
    const T *w = w_hh.data<T>(), *pb = bias.data<T>();
    T *pg = gates.data<T>(), *ph = h.data<T>(), *pc = c.data<T>();
    const int64_t work = r.B * r.G * r.H;
    const auto packed = packed_w_hh(w, r.G, r.H, true, r.B, work);
    over_row_blocks(r.B, work, [&](int64_t b0, int64_t b1) {
      for (int64_t t = 0; t < r.T; ++t) {
        T* g_t = pg + t * r.B * r.G;
        const int64_t prev = t * r.B * r.H, next = prev + r.B * r.H;
        // gates_t += h_{t-1} W_hh^T for this block's rows
        step_product<T>(packed.get(), true, b1 - b0, r.G, r.H, ph + prev + b0 * r.H, r.H, w, r.H,
                        T(1), g_t + b0 * r.G, r.G);
        for (int64_t b = b0; b < b1; ++b)
          lstm_row_forward<T>(r.H, g_t + b * r.G, pb, pc + prev + b * r.H, pc + next + b * r.H,
                              ph + next + b * r.H);
      }
    });
  });
}

void CpuBackend::lstm_backward(const Tensor& w_hh, const Tensor& gates, const Tensor& c,
                               const Tensor& grad_h, const Tensor& dh, const Tensor& dc,
                               const Tensor& grad_gates) {
  const Run r = run_of(gates, w_hh);
  dispatch_float(gates.dtype(), [&]<typename T>() {
    const T *w = w_hh.data<T>(), *pg = gates.data<T>(), *pc = c.data<T>();
    T *pdh = dh.data<T>(), *pdc = dc.data<T>(), *pgg = grad_gates.data<T>();
    const int64_t work = r.B * r.G * r.H;
    const auto packed = packed_w_hh(w, r.G, r.H, false, r.B, work);
    over_row_blocks(r.B, work, [&](int64_t b0, int64_t b1) {
      for (int64_t t = r.T - 1; t >= 0; --t) {
        const int64_t g_t = t * r.B * r.G, prev = t * r.B * r.H, next = prev + r.B * r.H;
        for (int64_t b = b0; b < b1; ++b)
          lstm_row_backward<T>(r.H, pg + g_t + b * r.G, pc + prev + b * r.H, pc + next + b * r.H,
                               row<T>(grad_h, t, b), pdh + b * r.H, pdc + b * r.H,
                               pgg + g_t + b * r.G);
        // dh_{t-1} = grad_gates_t W_hh
        step_product<T>(packed.get(), false, b1 - b0, r.H, r.G, pgg + g_t + b0 * r.G, r.G, w, r.H,
                        T(0), pdh + b0 * r.H, r.H);
      }
    });
  });
}

void CpuBackend::gru_forward(const Tensor& w_hh, const Tensor& b_hh, const Tensor& gates,
                             const Tensor& h, const Tensor& hn) {
  const Run r = run_of(gates, w_hh);
  dispatch_float(gates.dtype(), [&]<typename T>() {
    const Tensor bias = bias_or_zeros(b_hh, r.G, gates.dtype());
    // The recurrent products of a step; without a saved hn, n's recurrent part goes to a
    // scratch row block that each step overwrites.
    const Tensor hidden = empty({r.B, r.G}, gates.dtype());
    const Tensor hn_rows = hn.defined() ? hn : empty({r.B, r.H}, gates.dtype());
    const int64_t hn_step = hn.defined() ? r.B * r.H : 0;
    const T *w = w_hh.data<T>(), *pb = bias.data<T>();
    T *pg = gates.data<T>(), *ph = h.data<T>(), *phidden = hidden.data<T>(),
      *phn = hn_rows.data<T>();
    const int64_t work = r.B * r.G * r.H;
    const auto packed = packed_w_hh(w, r.G, r.H, true, r.B, work);
    over_row_blocks(r.B, work, [&](int64_t b0, int64_t b1) {
      for (int64_t t = 0; t < r.T; ++t) {
        T* g_t = pg + t * r.B * r.G;
        const int64_t prev = t * r.B * r.H, next = prev + r.B * r.H;
        step_product<T>(packed.get(), true, b1 - b0, r.G, r.H, ph + prev + b0 * r.H, r.H, w, r.H,
                        T(0), phidden + b0 * r.G, r.G);
        for (int64_t b = b0; b < b1; ++b)
          gru_row_forward<T>(r.H, g_t + b * r.G, phidden + b * r.G, pb, ph + prev + b * r.H,
                             phn + t * hn_step + b * r.H, ph + next + b * r.H);
      }
    });
  });
}

void CpuBackend::gru_backward(const Tensor& w_hh, const Tensor& gates, const Tensor& h,
                              const Tensor& hn, const Tensor& grad_h, const Tensor& dh,
                              const Tensor& grad_input_gates, const Tensor& grad_hidden_gates) {
  const Run r = run_of(gates, w_hh);
  dispatch_float(gates.dtype(), [&]<typename T>() {
    const T *w = w_hh.data<T>(), *pg = gates.data<T>(), *ph = h.data<T>(), *phn = hn.data<T>();
    T *pdh = dh.data<T>(), *pgi = grad_input_gates.data<T>(), *pgh = grad_hidden_gates.data<T>();
    const int64_t work = r.B * r.G * r.H;
    const auto packed = packed_w_hh(w, r.G, r.H, false, r.B, work);
    over_row_blocks(r.B, work, [&](int64_t b0, int64_t b1) {
      for (int64_t t = r.T - 1; t >= 0; --t) {
        const int64_t g_t = t * r.B * r.G, prev = t * r.B * r.H;
        for (int64_t b = b0; b < b1; ++b)
          gru_row_backward<T>(r.H, pg + g_t + b * r.G, phn + prev + b * r.H, ph + prev + b * r.H,
                              row<T>(grad_h, t, b), pdh + b * r.H, pgi + g_t + b * r.G,
                              pgh + g_t + b * r.G);
        // dh_{t-1} = z dh_t (above) + grad_hidden_t W_hh
        step_product<T>(packed.get(), false, b1 - b0, r.H, r.G, pgh + g_t + b0 * r.G, r.G, w, r.H,
                        T(1), pdh + b0 * r.H, r.H);
      }
    });
  });
}

SCIDL_ISA_END
