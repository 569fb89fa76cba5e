#include "scidl/backend/cpu/packed_weight.h"

#include "scidl/backend/cpu/isa.h"

#ifdef SCIDL_WITH_ONEDNN
#include <omp.h>

#include <dnnl.hpp>
#include <map>
#include <optional>
#include <tuple>
#endif

namespace scidl::backend::cpu::onednn {

#ifndef SCIDL_WITH_ONEDNN

struct PackedWeight::State {};
PackedWeight::PackedWeight(const float*, int64_t, int64_t, bool, int64_t) {}
PackedWeight::~PackedWeight() = default;
bool PackedWeight::multiply(int64_t, const float*, int64_t, float, float*, int64_t) const {
  return false;
}

#else

namespace {

using dnnl::memory;

// One engine for the process (the packed weight is a memory of it, shared by every thread's
// primitives) and a stream per thread.
dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

memory::desc rows_of(int64_t m, int64_t cols, int64_t ld) {
  return memory::desc({m, cols}, memory::data_type::f32, memory::dims{ld, 1});
}

// The product's primitive for one shape, with the weight in `weights` (a blocked layout or any).
dnnl::matmul::primitive_desc product(int64_t m, int64_t k, int64_t n, int64_t lda, int64_t ldc,
                                     float beta, const memory::desc& weights) {
  dnnl::primitive_attr attr;
  if (beta != 0) {
    dnnl::post_ops sum;
    sum.append_sum(1.0f);
    attr.set_post_ops(sum);
  }
  return dnnl::matmul::primitive_desc(
      dnnl::matmul::desc(rows_of(m, k, lda), weights, rows_of(m, n, ldc)), attr, engine());
}

// What a primitive is made for: the shapes, and whether it runs inside an OpenMP team (then
// oneDNN runs it on the calling thread) or with how many threads outside one.
struct Key {
  int64_t m, k, n, lda, ldc, layout_rows;
  bool beta, transposed;
  int threads;
  auto tie() const { return std::tie(m, k, n, lda, ldc, layout_rows, beta, transposed, threads); }
  bool operator<(const Key& o) const { return tie() < o.tie(); }
};

// Primitives per thread; none (nullopt) where oneDNN could not make one, so it is not asked
// again. A handful of shapes per layer: emptied if a caller meets many.
constexpr std::size_t kCachedProducts = 64;

std::map<Key, std::optional<dnnl::matmul> >& products() {
  thread_local std::map<Key, std::optional<dnnl::matmul> > cache;
  return cache;
}

}  // namespace

struct PackedWeight::State {
  int64_t k, n, rows;
  bool transposed;
  memory::desc layout;
  memory weights;
};

PackedWeight::PackedWeight(const float* w, int64_t k, int64_t n, bool transposed, int64_t rows) {
  if (!family_on(Family::Onednn) || rows < 1) return;
  try {
    const memory::desc any({k, n}, memory::data_type::f32, memory::format_tag::any);
    const memory::desc layout = product(rows, k, n, k, n, 0.0f, any).weights_desc();
    // w as the [k, n] operand: w^T of a row-major [n, k] is the column-major [k, n] (tag ba)
    const memory::desc user({k, n}, memory::data_type::f32,
                            transposed ? memory::format_tag::ba : memory::format_tag::ab);
    memory source(user, engine(), const_cast<float*>(w));
    memory packed(layout, engine());
    dnnl::reorder(source, packed).execute(stream(), source, packed);
    stream().wait();
    state_.reset(new State{k, n, rows, transposed, layout, packed});
  } catch (const dnnl::error&) {
    state_.reset();  // no matmul for this shape: the caller's GEMM runs
  }
}

PackedWeight::~PackedWeight() = default;

bool PackedWeight::multiply(int64_t m, const float* a, int64_t lda, float beta, float* c,
                            int64_t ldc) const {
  if (!state_ || m < 1) return false;
  const State& s = *state_;
  const Key key{m,         s.k,          s.n,
                lda,       ldc,          s.rows,
                beta != 0, s.transposed, omp_in_parallel() ? 1 : omp_get_max_threads()};
  auto& cache = products();
  auto it = cache.find(key);
  if (it == cache.end()) {
    if (cache.size() >= kCachedProducts) cache.clear();
    std::optional<dnnl::matmul> made;
    try {
      made = dnnl::matmul(product(m, s.k, s.n, lda, ldc, beta, s.layout));
    } catch (const dnnl::error&) {
    }
    it = cache.emplace(key, std::move(made)).first;
  }
  if (!it->second) return false;
  memory source(rows_of(m, s.k, lda), engine(), const_cast<float*>(a));
  memory destination(rows_of(m, s.n, ldc), engine(), c);
  it->second->execute(
      stream(),
      {{DNNL_ARG_SRC, source}, {DNNL_ARG_WEIGHTS, s.weights}, {DNNL_ARG_DST, destination}});
  stream().wait();
  return true;
}

#endif

}  // namespace scidl::backend::cpu::onednn
