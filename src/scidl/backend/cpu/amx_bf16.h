// float32 products on the AMX tile unit (Sapphire Rapids and later), to float32 accuracy.
//
// The tile unit multiplies bfloat16 pairs into float32 sums at 16 times the rate of AVX-512
// FMAs, but a bfloat16 keeps 8 of a float's 24 significant bits. So every float is split into
// three bfloat16s, x = hi + mid + lo, exactly (8 + 8 + 8 bits), and a product a . b is the six
// products whose terms are at least 2^-16 of a_hi b_hi:
//   a.b = ah.bh + ah.bm + am.bh + ah.bl + am.bm + al.bh   (+ terms below 2^-24 a.b, dropped)
// whose error is of float32's own rounding (the "bf16x6" scheme of Henry, Tang & Heinecke,
// 2019, as TPUs run float32 products at JAX's HIGHEST precision). Six tile products still take
// 6/16 of the FMA time. Compiled into the AVX-512 copy of the backend (isa.h) when the compiler
// knows AMX; whether the CPU and the OS let this process use the tiles is only known at run time
// (enabled()).
#pragma once
#include <cstdint>

namespace scidl::backend::cpu::amx {

// The CPU has AMX-BF16, scidl was built with it, the AVX-512 copy of the backend is active,
// the OS granted this process the tile state, and SCIDL_KERNELS does not say no-amx.
bool enabled();
void set_enabled(bool on);  // for tests and benchmarks: both paths in one process

using bf16 = uint16_t;

// The three bfloat16 planes of a split operand, laid out alike.
struct Planes {
  bf16* p[3];
};
struct ConstPlanes {
  const bf16* p[3];
  ConstPlanes(const Planes& q) : p{q.p[0], q.p[1], q.p[2]} {}  // NOLINT: a view
};

// The functions below run the AVX-512 copy's (the only one with tiles); without AMX in the
// build they throw std::logic_error. Callers check enabled() first.

// Every tile 16 rows x 64 bytes. Tile configuration is per thread: call at the start of each
// thread's work, and release_thread() after it (so context switches need not save 8 KB of
// tiles).
void configure_thread();
void release_thread();

// Split operands lie tile by tile: each tile's 16 rows of 64 bytes are one contiguous 1 KB
// block, so a tile load reads whole cache lines in order and the hardware prefetcher can run
// ahead of it (rows 256 bytes apart were loaded from L2 at a third of the tile unit's rate).
// A (M x K, K along a tile row): the tile of rows [16 s, 16 s + 16) and columns
// [32 q, 32 q + 32) is block s * K / 32 + q. B (K x N, pairs of rows interleaved, "VNNI"): the
// tile of columns [16 s, 16 s + 16) and rows [32 q, 32 q + 32) is block s * K / 32 + q, holding
// element (k, n) at row (k % 32) / 2, position 2 (n % 16) + k % 2.
constexpr int64_t kTileElements = 512;

// A from src[rows x cols] (leading dimension ld): rows [rows, rows_pad) zero. cols % 32 == 0,
// rows_pad % 16 == 0; each plane holds rows_pad * cols bfloat16s (64-byte aligned).
void split_rows(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                Planes dst);
// A from the transpose of src[rows x cols]: A's row i is src's column i (A is cols x rows,
// rows padded with zeros to rows_pad). cols % 16 == 0, rows_pad % 32 == 0.
void split_columns(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                   Planes dst);
// B from src[rows x cols]: rows [rows, rows_pad) zero. cols % 16 == 0, rows_pad % 32 == 0.
void split_pairs(const float* src, int64_t rows, int64_t cols, int64_t ld, int64_t rows_pad,
                 Planes dst);

// What the store of C does besides the product: a dense layer's bias and ReLU.
struct Epilogue {
  const float* bias = nullptr;
  bool relu = false;
};

// C[M, N] (=|+=) A[M, K] . B[K, N] as the six split products, A and B split as above (A with
// M rounded up to 32 rows). N % 32 == 0, K % 32 == 0. With `accumulate`, M % 32 == 0 (C's
// tiles are loaded whole). The calling thread must have configure_thread()'d.
void gemm(int64_t M, int64_t N, int64_t K, ConstPlanes a, ConstPlanes b, float* c, int64_t ldc,
          bool accumulate, Epilogue e);

}  // namespace scidl::backend::cpu::amx

// The AVX-512 copy's own declarations (isa_region.h), in builds that have AMX.
#if defined(SCIDL_CPU_ISA_LEVEL) && SCIDL_CPU_ISA_LEVEL == 2 && defined(SCIDL_BUILT_AMX)
#define SCIDL_HAVE_AMX 1
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN
namespace amx {
using cpu::amx::bf16;
using cpu::amx::ConstPlanes;
using cpu::amx::enabled;
using cpu::amx::Epilogue;
using cpu::amx::kTileElements;
using cpu::amx::Planes;
decltype(cpu::amx::configure_thread) configure_thread;
decltype(cpu::amx::release_thread) release_thread;
decltype(cpu::amx::split_rows) split_rows;
decltype(cpu::amx::split_columns) split_columns;
decltype(cpu::amx::split_pairs) split_pairs;
decltype(cpu::amx::gemm) gemm;
}  // namespace amx
SCIDL_ISA_END
#endif
