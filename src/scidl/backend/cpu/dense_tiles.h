// How the dense-chain kernels (dense_kernels.cpp) use the AMX tile unit (amx_bf16.h): which
// layers go to the tiles, each thread's tile configuration, the split operands' buffers, and a
// layer's backward products on tiles. Internal to the dense kernels; only for translation units
// compiled with AVX-512F.
#pragma once
#include <cstdint>

#include "scidl/backend/cpu/amx_bf16.h"
#include "scidl/backend/cpu/dense_kernels.h"
#include "scidl/backend/cpu/isa_region.h"
#include "scidl/backend/cpu/simd16.h"

SCIDL_ISA_BEGIN
namespace dense {

// Whether layer L's products over a batch of `rows` run on the AMX tile unit (amx_bf16.h):
// both widths in whole 32-wide tiles (the three-body network's 128 x 128 layers; its 3 -> 128
// and 128 -> 4 ends stay on the FMA kernels), and enough rows to pay for splitting the weights
// each pass (1.5 times their size, twice): at batch 256 both ways took the same time, at 1024
// the tiles 12% less.
constexpr int64_t kTileMinRows = 512;
inline bool on_tiles(const Layer& L, int64_t rows) {
#if defined(SCIDL_HAVE_AMX)
  return rows >= kTileMinRows && L.in % 32 == 0 && L.out % 32 == 0 && amx::enabled();
#else
  (void)L;
  (void)rows;
  return false;
#endif
}

inline int64_t tile_rows(int64_t rows) { return (rows + 31) / 32 * 32; }

// For the span of one thread's share of a chain: its tile configuration when any layer runs on
// tiles, released at the end.
class TileThread {
 public:
  explicit TileThread(bool needed) : needed_(needed) {
#if defined(SCIDL_HAVE_AMX)
    if (needed_) amx::configure_thread();
#endif
  }
  ~TileThread() {
#if defined(SCIDL_HAVE_AMX)
    if (needed_) amx::release_thread();
#endif
  }
  TileThread(const TileThread&) = delete;
  TileThread& operator=(const TileThread&) = delete;

 private:
  bool needed_;
};

// Floats of buffer a layer's weight split for the tiles takes (a whole number of cache lines).
inline int64_t floats_for_tiles(const Layer& L) { return (3 * L.in * L.out / 2 + 15) / 16 * 16; }

#if defined(SCIDL_HAVE_AMX)
// Three bfloat16 planes of `elements` each at the start of a float buffer (of at least
// 1.5 x elements floats).
inline amx::Planes planes_at(float* base, int64_t elements) {
  auto* p = reinterpret_cast<amx::bf16*>(base);
  return {{p, p + elements, p + 2 * elements}};
}
inline int64_t floats_for_planes(int64_t elements) { return (3 * elements + 1) / 2 + 32; }

// A thread's split operands for one layer of a group's backward on tiles: gz as A (rows) and as
// B (pairs), and x transposed as A.
struct TileBuffers {
  amx::Planes gz_rows, gz_pairs, x_columns;
};
inline TileBuffers tile_buffers(int64_t rows_pad, int64_t widest) {
  thread_local simd::Scratch buffer;
  const int64_t elements = rows_pad * widest, floats = floats_for_planes(elements) / 32 * 32 + 32;
  float* base = buffer.get(size_t(3 * floats));
  return {planes_at(base, elements), planes_at(base + floats, elements),
          planes_at(base + 2 * floats, elements)};
}

// Layer L's products of a group's backward on tiles, gz (leading dim ldg) already computed:
// down = gz . w (when not null; w split as B, out x in) and dW^T += x^T gz.
inline void backward_products_on_tiles(int64_t nr, const Layer& L, amx::ConstPlanes w_split,
                                       const float* gz, int64_t ldg, const float* x, int64_t ldx,
                                       float* down, float* gwt_part, int64_t widest) {
  const int64_t rows_pad = tile_rows(nr);
  const TileBuffers t = tile_buffers(rows_pad, widest);
  if (down) {
    amx::split_rows(gz, nr, L.out, ldg, rows_pad, t.gz_rows);
    amx::gemm(nr, L.in, L.out, t.gz_rows, w_split, down, L.in, false, {});
  }
  if (gwt_part) {
    amx::split_columns(x, nr, L.in, ldx, rows_pad, t.x_columns);
    amx::split_pairs(gz, nr, L.out, ldg, rows_pad, t.gz_pairs);
    amx::gemm(L.in, L.out, rows_pad, t.x_columns, t.gz_pairs, gwt_part, L.out, true, {});
  }
}
#endif

}  // namespace dense
SCIDL_ISA_END
