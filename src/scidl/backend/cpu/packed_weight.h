// A float32 weight multiplied by many row blocks in a row, reordered once into oneDNN's blocked
// layout. The recurrent layers' time loops multiply every step's rows by the same W_hh (100
// steps in a sequence, forward and backward), and OpenBLAS packs its operand afresh on every
// call; oneDNN's matmul on a weight packed once per sequence ran those products 1.4-1.65x as
// fast on one AVX-512 core (bench/RESULTS.md, lstm_step_large).
// Contract: products run from any thread, inside an OpenMP team or not, each on the calling
// thread alone when inside one; primitives are cached per thread and per shape.
#pragma once
#include <cstdint>
#include <memory>

namespace scidl::backend::cpu::onednn {

class PackedWeight {
 public:
  // w: [n, k] row-major when `transposed` (the products take w^T), else [k, n] row-major; rows:
  // the row count the products will mostly have (the blocked layout is chosen for it). Not
  // packed without oneDNN, when SCIDL_KERNELS turns it off (no-onednn), or for a shape its
  // matmul cannot take in a blocked layout.
  PackedWeight(const float* w, int64_t k, int64_t n, bool transposed, int64_t rows);
  ~PackedWeight();
  PackedWeight(const PackedWeight&) = delete;
  PackedWeight& operator=(const PackedWeight&) = delete;

  bool packed() const { return state_ != nullptr; }

  // c [m, n] (rows ldc apart) = a [m, k] (rows lda apart) op(w) + beta c, beta 0 or 1. Returns
  // false, touching nothing, when it cannot (not packed, or no primitive for this m in the
  // packed layout): the caller then runs its GEMM.
  bool multiply(int64_t m, const float* a, int64_t lda, float beta, float* c, int64_t ldc) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace scidl::backend::cpu::onednn
