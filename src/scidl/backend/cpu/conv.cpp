// 2-D convolution on the CPU, for the forward pass and both backward passes: float32 3x3
// convolutions with stride 1 and enough channels through Winograd F(2x2, 3x3) (conv_winograd.h),
// other float32 ones through scidl's direct kernels or oneDNN (see kernels_take), else
// im2col + one BLAS GEMM per image. With at least as many images as threads, each thread takes
// whole images (its own im2col buffer, single-threaded BLAS inside the parallel region: the OpenMP
// build of OpenBLAS shares our thread pool); otherwise images run one by one on multi-threaded
// BLAS. A 1x1 kernel with stride 1 and no padding skips im2col: the image already is the matrix.
#include <omp.h>

#include <vector>

#include "scidl/backend/cpu/conv_im2col.h"
#include "scidl/backend/cpu/conv_kernels.h"
#include "scidl/backend/cpu/conv_onednn.h"
#include "scidl/backend/cpu/conv_winograd.h"
#include "scidl/backend/cpu/cpu_backend.h"
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN

namespace {

struct ConvShape {
  int64_t batch, c_in, height, width, c_out, out_height, out_width;
  ImageShape image() const { return {c_in, height, width, out_height, out_width}; }
};

ConvShape conv_shape(const Tensor& x, const Tensor& weight, const Tensor& y) {
  return {x.shape()[0],      x.shape()[1], x.shape()[2], x.shape()[3],
          weight.shape()[0], y.shape()[2], y.shape()[3]};
}

Conv2dDims dims_of(const ConvShape& s, const Conv2dGeometry& g) {
  return {s.batch, s.c_in, s.height, s.width, s.c_out, s.out_height, s.out_width, g};
}

bool is_pointwise(const Conv2dGeometry& g, const ConvShape& s) {
  return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
         g.pad_top == 0 && g.pad_left == 0 && s.out_height == s.height && s.out_width == s.width;
}

// Whether scidl's own kernels (conv_kernels.h) take a float32 convolution rather than oneDNN.
// Measured on this project's CNNs (bench/RESULTS.md): with a ReLU fused in and wide images they
// win (the lecture's 26x26 layers; the fused backward saves a pass over the activations); on
// 14x14 images their wide rows waste 15-45% of the work and oneDNN's direct kernels are
// 10-25% faster; without oneDNN they beat im2col + BLAS everywhere.
bool kernels_take(const Conv2dDims& d, bool relu_fused) {
  if (!conv_kernels::suits(d)) return false;
  if (!onednn::enabled()) return true;
  const int64_t wide = d.out_width + d.geometry.kernel_w - 1;  // a wide row's length
  return relu_fused && wide * 10 <= d.out_width * 11;
}

// Threads that take whole images: all of them when there are enough images and enough work
// (`macs` multiply-adds in all) to pay for waking them, else one.
int image_threads(int64_t batch, int64_t macs) {
  const int t = omp_get_max_threads();
  return batch >= t && macs >= (int64_t{1} << 18) ? t : 1;
}

// Runs one(i, col) for every image i, `threads` threads taking whole images, each with its own
// `col_size` slice of the im2col scratch `cols` (null when the convolution needs none).
template <typename T, typename F>
void for_each_image(int64_t batch, int threads, T* cols, int64_t col_size, F&& one) {
  if (threads > 1) {
#pragma omp parallel num_threads(threads)
    {
      T* col = cols ? cols + omp_get_thread_num() * col_size : nullptr;
#pragma omp for schedule(static)
      for (int64_t i = 0; i < batch; ++i) one(i, col);
    }
  } else {
    for (int64_t i = 0; i < batch; ++i) one(i, cols);
  }
}

}  // namespace

void CpuBackend::conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias,
                        const Tensor& out, const Conv2dGeometry& g, bool relu) {
  const ConvShape s = conv_shape(x, weight, out);
  if (x.dtype() == DType::Float32 && conv_winograd::suits(dims_of(s, g))) {
    conv_winograd::forward(dims_of(s, g), x.data<float>(), weight.data<float>(),
                           bias.defined() ? bias.data<float>() : nullptr, out.data<float>(), relu);
    return;
  }
  if (x.dtype() == DType::Float32 && kernels_take(dims_of(s, g), relu)) {
    conv_kernels::forward(dims_of(s, g), x.data<float>(), weight.data<float>(),
                          bias.defined() ? bias.data<float>() : nullptr, out.data<float>(), relu);
    return;
  }
  if (x.dtype() == DType::Float32 &&
      onednn::conv2d_forward(dims_of(s, g), x.data<float>(), weight.data<float>(),
                             bias.defined() ? bias.data<float>() : nullptr, out.data<float>(),
                             relu))
    return;
  const int64_t k = s.c_in * g.kernel_h * g.kernel_w, n = s.out_height * s.out_width;
  const bool direct = is_pointwise(g, s);
  const int threads = image_threads(s.batch, s.batch * s.c_out * k * n);
  Tensor scratch = direct ? Tensor() : empty({threads, k, n}, x.dtype(), x.device());
  dispatch_float(x.dtype(), [&]<typename T>() {
    const T* px = x.data<T>();
    const T* pw = weight.data<T>();
    const T* pb = bias.defined() ? bias.data<T>() : nullptr;
    T* po = out.data<T>();
    T* cols = direct ? nullptr : scratch.data<T>();
    const ImageShape image = s.image();
    auto one = [&](int64_t i, T* col) {
      const T* xi = px + i * s.c_in * s.height * s.width;
      T* yi = po + i * s.c_out * n;
      if (!direct) im2col(xi, image, g, col);
      if (pb)
        for (int64_t c = 0; c < s.c_out; ++c) std::fill(yi + c * n, yi + (c + 1) * n, pb[c]);
      gemm<T>(false, false, s.c_out, n, k, T(1), pw, k, direct ? xi : col, n, pb ? T(1) : T(0), yi,
              n);
      if (relu)
        for (int64_t j = 0; j < s.c_out * n; ++j) yi[j] = yi[j] < T(0) ? T(0) : yi[j];
    };
    for_each_image(s.batch, threads, cols, k * n, one);
  });
}

void CpuBackend::conv2d_backward_input(const Tensor& grad_output, const Tensor& weight,
                                       const Tensor& grad_input, const Conv2dGeometry& g) {
  const ConvShape s = conv_shape(grad_input, weight, grad_output);
  if (weight.dtype() == DType::Float32 && conv_winograd::suits(dims_of(s, g))) {
    conv_winograd::backward(dims_of(s, g), grad_output.data<float>(), nullptr, nullptr,
                            weight.data<float>(), grad_input.data<float>(), nullptr, nullptr);
    return;
  }
  if (weight.dtype() == DType::Float32 && kernels_take(dims_of(s, g), false)) {
    conv_kernels::backward_data(dims_of(s, g), grad_output.data<float>(), nullptr,
                                weight.data<float>(), grad_input.data<float>());
    return;
  }
  if (weight.dtype() == DType::Float32 &&
      onednn::conv2d_backward_data(dims_of(s, g), grad_output.data<float>(), weight.data<float>(),
                                   grad_input.data<float>()))
    return;
  const int64_t k = s.c_in * g.kernel_h * g.kernel_w, n = s.out_height * s.out_width;
  const bool direct = is_pointwise(g, s);
  const int threads = image_threads(s.batch, s.batch * s.c_out * k * n);
  Tensor scratch = direct ? Tensor() : empty({threads, k, n}, weight.dtype(), weight.device());
  dispatch_float(weight.dtype(), [&]<typename T>() {
    const T* pg = grad_output.data<T>();
    const T* pw = weight.data<T>();
    T* px = grad_input.data<T>();
    T* cols = direct ? nullptr : scratch.data<T>();
    const ImageShape image = s.image();
    const int64_t image_size = s.c_in * s.height * s.width;
    auto one = [&](int64_t i, T* col) {
      const T* gi = pg + i * s.c_out * n;
      T* xi = px + i * image_size;
      gemm<T>(true, false, k, n, s.c_out, T(1), pw, k, gi, n, T(0), direct ? xi : col, n);
      if (direct) return;
      std::fill(xi, xi + image_size, T(0));
      col2im_add(col, image, g, xi);
    };
    for_each_image(s.batch, threads, cols, k * n, one);
  });
}

void CpuBackend::conv2d_backward_weight(const Tensor& grad_output, const Tensor& x,
                                        const Tensor& grad_weight, const Tensor& grad_bias,
                                        const Conv2dGeometry& g) {
  const ConvShape s = conv_shape(x, grad_weight, grad_output);
  if (x.dtype() == DType::Float32 && conv_winograd::suits(dims_of(s, g))) {
    conv_winograd::backward(dims_of(s, g), grad_output.data<float>(), nullptr, x.data<float>(),
                            nullptr, nullptr, grad_weight.data<float>(),
                            grad_bias.defined() ? grad_bias.data<float>() : nullptr);
    return;
  }
  if (x.dtype() == DType::Float32 && kernels_take(dims_of(s, g), false)) {
    conv_kernels::backward_weights(dims_of(s, g), grad_output.data<float>(), nullptr,
                                   x.data<float>(), grad_weight.data<float>(),
                                   grad_bias.defined() ? grad_bias.data<float>() : nullptr);
    return;
  }
  if (x.dtype() == DType::Float32 &&
      onednn::conv2d_backward_weights(dims_of(s, g), grad_output.data<float>(), x.data<float>(),
                                      grad_weight.data<float>(),
                                      grad_bias.defined() ? grad_bias.data<float>() : nullptr))
    return;
  const int64_t k = s.c_in * g.kernel_h * g.kernel_w, n = s.out_height * s.out_width;
  const bool direct = is_pointwise(g, s);
  const int threads = image_threads(s.batch, s.batch * s.c_out * k * n);
  const int64_t wsize = s.c_out * k;
  // Each thread sums its images into its own slice of `partial`; slice 0 is grad_weight itself.
  Tensor scratch = direct ? Tensor() : empty({threads, k, n}, x.dtype(), x.device());
  Tensor partial = threads > 1 ? empty({threads - 1, wsize}, x.dtype(), x.device()) : Tensor();
  dispatch_float(x.dtype(), [&]<typename T>() {
    const T* pg = grad_output.data<T>();
    const T* px = x.data<T>();
    T* cols = direct ? nullptr : scratch.data<T>();
    const ImageShape image = s.image();
    std::vector<T> bias_sums(static_cast<size_t>(threads * s.c_out), T(0));
    auto one = [&](int64_t i, T* col, T* gw, T beta, T* gb) {
      const T* gi = pg + i * s.c_out * n;
      const T* xi = px + i * s.c_in * s.height * s.width;
      if (!direct) im2col(xi, image, g, col);
      gemm<T>(false, true, s.c_out, k, n, T(1), gi, n, direct ? xi : col, n, beta, gw, k);
      for (int64_t c = 0; c < s.c_out; ++c) {
        T acc = 0;
#pragma omp simd reduction(+ : acc)
        for (int64_t j = 0; j < n; ++j) acc += gi[c * n + j];
        gb[c] += acc;
      }
    };
    T* gw0 = grad_weight.data<T>();
    if (threads > 1) {
      T* parts = partial.data<T>();
#pragma omp parallel num_threads(threads)
      {
        // A team smaller than asked for (a call from inside a parallel region) sums only the
        // slices it wrote.
        const int t = omp_get_thread_num(), team = omp_get_num_threads();
        T* col = cols ? cols + t * k * n : nullptr;
        T* gw = t == 0 ? gw0 : parts + (t - 1) * wsize;
        T beta = 0;
#pragma omp for schedule(static)
        for (int64_t i = 0; i < s.batch; ++i) {
          one(i, col, gw, beta, bias_sums.data() + t * s.c_out);
          beta = 1;
        }
        if (beta == 0) std::fill(gw, gw + wsize, T(0));  // a thread that got no image
#pragma omp barrier
#pragma omp for schedule(static)
        for (int64_t j = 0; j < wsize; ++j)
          for (int u = 1; u < team; ++u) gw0[j] += parts[(u - 1) * wsize + j];
      }
    } else {
      for (int64_t i = 0; i < s.batch; ++i)
        one(i, cols, gw0, i == 0 ? T(0) : T(1), bias_sums.data());
      if (s.batch == 0) std::fill(gw0, gw0 + wsize, T(0));
    }
    if (grad_bias.defined()) {
      T* gb = grad_bias.data<T>();
      for (int64_t c = 0; c < s.c_out; ++c) {
        T acc = 0;
        for (int u = 0; u < threads; ++u) acc += bias_sums[u * s.c_out + c];
        gb[c] = acc;
      }
    }
  });
}

bool CpuBackend::conv2d_relu_backward(const Tensor& grad_output, const Tensor& relu_output,
                                      const Tensor& x, const Tensor& weight,
                                      const Tensor& grad_input, const Tensor& grad_weight,
                                      const Tensor& grad_bias, const Conv2dGeometry& g) {
  if (x.dtype() != DType::Float32) return false;
  const Conv2dDims d = dims_of(conv_shape(x, weight, grad_output), g);
  auto ptr = [](const Tensor& t) { return t.defined() ? t.data<float>() : nullptr; };
  if (conv_winograd::suits(d)) {
    conv_winograd::backward(d, grad_output.data<float>(), relu_output.data<float>(),
                            x.data<float>(), weight.data<float>(), ptr(grad_input),
                            ptr(grad_weight), ptr(grad_bias));
    return true;
  }
  if (!kernels_take(d, true)) return false;
  conv_kernels::backward_both(d, grad_output.data<float>(), relu_output.data<float>(),
                              x.data<float>(), weight.data<float>(),
                              grad_input.defined() ? grad_input.data<float>() : nullptr,
                              grad_weight.defined() ? grad_weight.data<float>() : nullptr,
                              grad_bias.defined() ? grad_bias.data<float>() : nullptr);
  return true;
}

SCIDL_ISA_END
