// One-off measurement behind the "im2col + BLAS or oneDNN?" decision (issue 5): the baseline
// CNN's second convolution (32 -> 64 channels, 3x3, 26x26 input, batch 32, float32), forward,
// backward-data and backward-weights, timed in scidl's CPU kernels and in oneDNN 2.x. Not part
// of the build (oneDNN is not a dependency); compile and run by hand:
//   apt-get install libdnnl-dev
//   c++ -O3 -march=native -std=c++20 -fopenmp -Isrc bench/onednn/conv_compare.cpp \
//       build/libscidl.a -ldnnl -lfmt -ldl -o /tmp/conv_compare && /tmp/conv_compare
#include <dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <vector>

#include "scidl/backend/backend.h"
#include "scidl/scidl.h"

using namespace scidl;

double median_ms(const std::function<void()>& f, int reps = 30) {
  std::vector<double> t;
  for (int i = 0; i < reps + 3; ++i) {
    auto a = std::chrono::steady_clock::now();
    f();
    auto b = std::chrono::steady_clock::now();
    if (i >= 3) t.push_back(std::chrono::duration<double, std::milli>(b - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

int main() {
  const int64_t n = 32, c = 32, h = 26, w = 26, co = 64, k = 3, oh = 24, ow = 24;
  Tensor x = rand({n, c, h, w}), wt = rand({co, c, k, k}), b = rand({co});
  Tensor y = empty({n, co, oh, ow}), gy = rand({n, co, oh, ow});
  Tensor gx = empty({n, c, h, w}), gw = empty({co, c, k, k}), gb = empty({co});
  backend::Conv2dGeometry g{k, k, 1, 1, 0, 0, 1, 1};
  auto& be = backend::backend_of(x);
  double s_fwd = median_ms([&] { be.conv2d(x, wt, b, y, g, false); });
  double s_bwd_data = median_ms([&] { be.conv2d_backward_input(gy, wt, gx, g); });
  double s_bwd_w = median_ms([&] { be.conv2d_backward_weight(gy, x, gw, gb, g); });

  using namespace dnnl;
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  memory::dims src_d{n, c, h, w}, wei_d{co, c, k, k}, bia_d{co}, dst_d{n, co, oh, ow};
  auto any = [](const memory::dims& d) {
    return memory::desc(d, memory::data_type::f32, memory::format_tag::any);
  };
  auto plain = [](const memory::dims& d, memory::format_tag t) {
    return memory::desc(d, memory::data_type::f32, t);
  };
  convolution_forward::desc fd(prop_kind::forward_training, algorithm::convolution_direct,
                               any(src_d), any(wei_d), plain(bia_d, memory::format_tag::x),
                               any(dst_d), {1, 1}, {0, 0}, {0, 0});
  convolution_forward::primitive_desc fpd(fd, eng);
  convolution_backward_data::desc bdd(algorithm::convolution_direct, any(src_d), any(wei_d),
                                      any(dst_d), {1, 1}, {0, 0}, {0, 0});
  convolution_backward_data::primitive_desc bdpd(bdd, eng, fpd);
  convolution_backward_weights::desc bwd(algorithm::convolution_direct, any(src_d), any(wei_d),
                                         plain(bia_d, memory::format_tag::x), any(dst_d), {1, 1},
                                         {0, 0}, {0, 0});
  convolution_backward_weights::primitive_desc bwpd(bwd, eng, fpd);
  // Primitives in their preferred (blocked) layouts; reorders from NCHW are not timed, which
  // favours oneDNN (a real integration would pay them or keep blocked layouts throughout).
  memory src(fpd.src_desc(), eng), wei(fpd.weights_desc(), eng), bia(fpd.bias_desc(), eng),
      dst(fpd.dst_desc(), eng), ddst(bdpd.diff_dst_desc(), eng), dsrc(bdpd.diff_src_desc(), eng),
      bsrc(bwpd.src_desc(), eng), bddst(bwpd.diff_dst_desc(), eng),
      dwei(bwpd.diff_weights_desc(), eng), dbia(bwpd.diff_bias_desc(), eng),
      bwei(bdpd.weights_desc(), eng);
  convolution_forward fwd(fpd);
  convolution_backward_data bwd_data(bdpd);
  convolution_backward_weights bwd_w(bwpd);
  double d_fwd = median_ms([&] {
    fwd.execute(
        s,
        {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_BIAS, bia}, {DNNL_ARG_DST, dst}});
    s.wait();
  });
  double d_bwd_data = median_ms([&] {
    bwd_data.execute(
        s, {{DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_WEIGHTS, bwei}, {DNNL_ARG_DIFF_SRC, dsrc}});
    s.wait();
  });
  double d_bwd_w = median_ms([&] {
    bwd_w.execute(s, {{DNNL_ARG_SRC, bsrc},
                      {DNNL_ARG_DIFF_DST, bddst},
                      {DNNL_ARG_DIFF_WEIGHTS, dwei},
                      {DNNL_ARG_DIFF_BIAS, dbia}});
    s.wait();
  });
  std::printf("conv 32->64 3x3 26x26 batch 32 (ms, median)  scidl im2col+BLAS | oneDNN %d.%d\n",
              DNNL_VERSION_MAJOR, DNNL_VERSION_MINOR);
  std::printf("forward          %8.2f | %8.2f\n", s_fwd, d_fwd);
  std::printf("backward data    %8.2f | %8.2f\n", s_bwd_data, d_bwd_data);
  std::printf("backward weights %8.2f | %8.2f\n", s_bwd_w, d_bwd_w);
}
