#include "scidl/backend/cpu/conv_onednn.h"
#include "scidl/backend/cpu/isa.h"
#include "scidl/backend/cpu/parallel_shares.h"

#include <cstdlib>
#include <cstring>

#ifdef SCIDL_WITH_ONEDNN
#include <dnnl.hpp>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <list>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>
#endif

namespace scidl::backend::cpu::onednn {

#ifndef SCIDL_WITH_ONEDNN

bool compiled_in() { return false; }
bool enabled() { return false; }
void set_enabled(bool) {}
bool conv2d_forward(const ConvDims&, const float*, const float*, const float*, float*, bool) {
  return false;
}
bool conv2d_backward_data(const ConvDims&, const float*, const float*, float*) { return false; }
bool conv2d_backward_weights(const ConvDims&, const float*, const float*, float*, float*) {
  return false;
}
std::size_t cached_primitives() { return 0; }
std::size_t cached_bytes() { return 0; }
void set_cache_budget(std::size_t, std::size_t) {}

#else

namespace {

using dnnl::memory;
using tag = memory::format_tag;

enum class Pass { Forward, BackwardData, BackwardWeights };

struct Key {
  int64_t batch, c_in, height, width, c_out, out_height, out_width;
  int64_t kh, kw, sh, sw, pt, pl, dh, dw;
  Pass pass;
  bool bias;
  auto tie() const {
    return std::tie(batch, c_in, height, width, c_out, out_height, out_width, kh, kw, sh, sw, pt,
                    pl, dh, dw, pass, bias);
  }
  bool operator<(const Key& o) const { return tie() < o.tie(); }
};

Key key_of(const ConvDims& d, Pass pass, bool bias) {
  const auto& g = d.geometry;
  return {d.batch,     d.c_in,       d.height,     d.width,    d.c_out,    d.out_height,
          d.out_width, g.kernel_h,   g.kernel_w,   g.stride_h, g.stride_w, g.pad_top,
          g.pad_left,  g.dilation_h, g.dilation_w, pass,       bias};
}

struct Context {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
};

Context& context() {
  thread_local Context c;
  return c;
}

// The trailing padding oneDNN wants so that its output size formula gives out: it asks for
// (in + pad_l + pad_r - extent) / stride + 1 == out exactly; false when no pad_r >= 0 does.
bool trailing_padding(int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int64_t pad_l,
                      int64_t& pad_r) {
  const int64_t extent = (k - 1) * d + 1;
  pad_r = std::max<int64_t>(0, (out - 1) * s + extent - in - pad_l);
  return in + pad_l + pad_r >= extent && (in + pad_l + pad_r - extent) / s + 1 == out;
}

// A cached primitive with the blocked-layout buffers its inputs and outputs are reordered into.
struct Entry {
  dnnl::primitive primitive;
  // Per argument: the primitive's layout, and a buffer in it when that differs from the user's.
  struct Arg {
    int id;
    memory::desc user, internal;
    bool output;
    memory buffer;  // empty when internal == user
  };
  std::vector<Arg> args;
};

memory::desc plain(const memory::dims& dims, tag t) {
  return memory::desc(dims, memory::data_type::f32, t);
}
memory::desc any(const memory::dims& dims) {
  return memory::desc(dims, memory::data_type::f32, tag::any);
}

std::unique_ptr<Entry> make_entry(const ConvDims& d, Pass pass, bool bias) {
  const auto& g = d.geometry;
  int64_t pad_b = 0, pad_r = 0;
  if (!trailing_padding(d.height, d.out_height, g.kernel_h, g.stride_h, g.dilation_h, g.pad_top,
                        pad_b) ||
      !trailing_padding(d.width, d.out_width, g.kernel_w, g.stride_w, g.dilation_w, g.pad_left,
                        pad_r))
    return nullptr;
  const memory::dims src{d.batch, d.c_in, d.height, d.width};
  const memory::dims wei{d.c_out, d.c_in, g.kernel_h, g.kernel_w};
  const memory::dims dst{d.batch, d.c_out, d.out_height, d.out_width};
  const memory::dims bia{d.c_out};
  const memory::dims strides{g.stride_h, g.stride_w}, dilates{g.dilation_h - 1, g.dilation_w - 1};
  const memory::dims pad_l{g.pad_top, g.pad_left}, pad_rr{pad_b, pad_r};
  auto& eng = context().engine;
  using namespace dnnl;

  auto forward_desc = [&](bool with_bias) {
    return with_bias ? convolution_forward::desc(
                           prop_kind::forward_training, algorithm::convolution_direct, any(src),
                           any(wei), plain(bia, tag::x), any(dst), strides, dilates, pad_l, pad_rr)
                     : convolution_forward::desc(prop_kind::forward_training,
                                                 algorithm::convolution_direct, any(src), any(wei),
                                                 any(dst), strides, dilates, pad_l, pad_rr);
  };
  auto entry = std::make_unique<Entry>();
  auto add = [&](int id, const memory::desc& user, const memory::desc& internal, bool output) {
    Entry::Arg a{id, user, internal, output, {}};
    if (!(internal == user)) a.buffer = memory(internal, eng);
    entry->args.push_back(std::move(a));
  };
  try {
    if (pass == Pass::Forward) {
      convolution_forward::primitive_desc pd(forward_desc(bias), eng);
      entry->primitive = convolution_forward(pd);
      add(DNNL_ARG_SRC, plain(src, tag::nchw), pd.src_desc(), false);
      add(DNNL_ARG_WEIGHTS, plain(wei, tag::oihw), pd.weights_desc(), false);
      if (bias) add(DNNL_ARG_BIAS, plain(bia, tag::x), pd.bias_desc(), false);
      add(DNNL_ARG_DST, plain(dst, tag::nchw), pd.dst_desc(), true);
    } else if (pass == Pass::BackwardData) {
      convolution_forward::primitive_desc hint(forward_desc(false), eng);
      convolution_backward_data::desc desc(algorithm::convolution_direct, any(src), any(wei),
                                           any(dst), strides, dilates, pad_l, pad_rr);
      convolution_backward_data::primitive_desc pd(desc, eng, hint);
      entry->primitive = convolution_backward_data(pd);
      add(DNNL_ARG_DIFF_DST, plain(dst, tag::nchw), pd.diff_dst_desc(), false);
      add(DNNL_ARG_WEIGHTS, plain(wei, tag::oihw), pd.weights_desc(), false);
      add(DNNL_ARG_DIFF_SRC, plain(src, tag::nchw), pd.diff_src_desc(), true);
    } else {
      convolution_forward::primitive_desc hint(forward_desc(bias), eng);
      auto desc = bias ? convolution_backward_weights::desc(algorithm::convolution_direct, any(src),
                                                            any(wei), plain(bia, tag::x), any(dst),
                                                            strides, dilates, pad_l, pad_rr)
                       : convolution_backward_weights::desc(algorithm::convolution_direct, any(src),
                                                            any(wei), any(dst), strides, dilates,
                                                            pad_l, pad_rr);
      convolution_backward_weights::primitive_desc pd(desc, eng, hint);
      entry->primitive = convolution_backward_weights(pd);
      add(DNNL_ARG_SRC, plain(src, tag::nchw), pd.src_desc(), false);
      add(DNNL_ARG_DIFF_DST, plain(dst, tag::nchw), pd.diff_dst_desc(), false);
      add(DNNL_ARG_DIFF_WEIGHTS, plain(wei, tag::oihw), pd.diff_weights_desc(), true);
      if (bias) add(DNNL_ARG_DIFF_BIAS, plain(bia, tag::x), pd.diff_bias_desc(), true);
    }
  } catch (const dnnl::error&) {
    return nullptr;  // a case this oneDNN build does not implement: use scidl's own kernel
  }
  return entry;
}

std::size_t bytes_of(const Entry* e) {
  std::size_t n = 0;
  if (e)
    for (const auto& a : e->args)
      if (a.buffer) n += a.internal.get_size();
  return n;
}

// The entries of one thread, least recently used first out when over the budget. A case
// oneDNN cannot take is remembered too (a null entry), so it is not asked again.
class PrimitiveCache {
 public:
  Entry* get(const ConvDims& d, Pass pass, bool bias) {
    const Key key = key_of(d, pass, bias);
    auto it = entries_.find(key);
    if (it != entries_.end()) {
      order_.splice(order_.end(), order_, it->second.position);  // now the most recent
      return it->second.entry.get();
    }
    auto entry = make_entry(d, pass, bias);
    const std::size_t size = bytes_of(entry.get());
    // Evict down to the budget with the new entry counted (it stays even if alone too big).
    while (!order_.empty() && (entries_.size() + 1 > primitives_ || bytes_ + size > bytes_budget_))
      evict_oldest();
    bytes_ += size;
    order_.push_back(key);
    Slot& slot = entries_[key];
    slot.entry = std::move(entry);
    slot.position = std::prev(order_.end());
    return slot.entry.get();
  }
  std::size_t size() const { return entries_.size(); }
  std::size_t bytes() const { return bytes_; }
  void set_budget(std::size_t primitives, std::size_t bytes) {
    primitives_ = primitives;  // 0: empty now (the next call's entry still stays, alone)
    bytes_budget_ = bytes;
    while (!order_.empty() && (entries_.size() > primitives_ || bytes_ > bytes_budget_))
      evict_oldest();
  }

 private:
  struct Slot {
    std::unique_ptr<Entry> entry;
    std::list<Key>::iterator position;
  };
  void evict_oldest() {
    auto it = entries_.find(order_.front());
    bytes_ -= bytes_of(it->second.entry.get());
    entries_.erase(it);
    order_.pop_front();
  }
  std::map<Key, Slot> entries_;
  std::list<Key> order_;  // least recently used first
  std::size_t bytes_ = 0, primitives_ = kCachePrimitives, bytes_budget_ = kCacheBytes;
};

PrimitiveCache& cache() {
  thread_local PrimitiveCache c;
  return c;
}

// Runs the cached primitive for this case on user buffers given in the entry's argument order.
bool run(const ConvDims& d, Pass pass, bool bias, std::initializer_list<void*> user) {
  if (!enabled()) return false;
  Entry* e = cache().get(d, pass, bias);
  if (!e) return false;
  auto& ctx = context();
  std::unordered_map<int, memory> args;
  std::vector<std::pair<memory, memory> > outputs;  // internal -> user, after the primitive
  auto ptr = user.begin();
  for (auto& a : e->args) {
    memory u(a.user, ctx.engine, *ptr++);
    if (!a.buffer) {
      args.emplace(a.id, u);
      continue;
    }
    if (a.output) {
      outputs.emplace_back(a.buffer, u);
    } else {
      dnnl::reorder(u, a.buffer).execute(ctx.stream, u, a.buffer);
    }
    args.emplace(a.id, a.buffer);
  }
  e->primitive.execute(ctx.stream, args);
  for (auto& [internal, u] : outputs) dnnl::reorder(internal, u).execute(ctx.stream, internal, u);
  ctx.stream.wait();
  return true;
}

}  // namespace

bool compiled_in() { return true; }
std::size_t cached_primitives() { return cache().size(); }
std::size_t cached_bytes() { return cache().bytes(); }
void set_cache_budget(std::size_t primitives, std::size_t bytes) {
  cache().set_budget(primitives, bytes);
}
bool enabled() { return family_on(Family::Onednn); }
void set_enabled(bool on) { set_family_on(Family::Onednn, on); }

namespace {

void relu_in_place(float* __restrict y, int64_t begin, int64_t end) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) y[i] = y[i] < 0.0f ? 0.0f : y[i];
}

}  // namespace

bool conv2d_forward(const ConvDims& d, const float* x, const float* w, const float* b, float* y,
                    bool relu) {
  const bool ran =
      b ? run(d, Pass::Forward, true,
              {const_cast<float*>(x), const_cast<float*>(w), const_cast<float*>(b), y})
        : run(d, Pass::Forward, false, {const_cast<float*>(x), const_cast<float*>(w), y});
  // The ReLU is ours rather than oneDNN's post-op, which turns NaN into 0: PyTorch and the other
  // paths pass NaN through, so broken weights or data reach the loss check.
  if (ran && relu)
    over_shares(d.batch * d.c_out * d.out_height * d.out_width,
                [y](int64_t begin, int64_t end) { relu_in_place(y, begin, end); });
  return ran;
}

bool conv2d_backward_data(const ConvDims& d, const float* gy, const float* w, float* gx) {
  return run(d, Pass::BackwardData, false, {const_cast<float*>(gy), const_cast<float*>(w), gx});
}

bool conv2d_backward_weights(const ConvDims& d, const float* gy, const float* x, float* gw,
                             float* gb) {
  if (gb)
    return run(d, Pass::BackwardWeights, true,
               {const_cast<float*>(x), const_cast<float*>(gy), gw, gb});
  return run(d, Pass::BackwardWeights, false, {const_cast<float*>(x), const_cast<float*>(gy), gw});
}

#endif

}  // namespace scidl::backend::cpu::onednn
