// The CPU backend: vectorised loops spread over OpenMP threads, GEMM from OpenBLAS (blas.h).
#pragma once
#include "scidl/backend/backend.h"
#include "scidl/backend/cpu/isa_region.h"

SCIDL_ISA_BEGIN

class CpuBackend final : public Backend {
 public:
  Device device() const override { return kCPU; }
  void* allocate(size_t bytes) override;
  void deallocate(void* ptr, size_t bytes) override;
  void copy(const Tensor& src, const Tensor& dst) override;
  void fill(const Tensor& dst, double value) override;
  void unary(UnaryOp op, const Tensor& x, const Tensor& out, double a, double b) override;
  void binary(BinaryOp op, const Tensor& x, const Tensor& y, const Tensor& out, double a,
              double b) override;
  void where(const Tensor& cond, const Tensor& x, const Tensor& y, const Tensor& out) override;
  void reduce(ReduceOp op, const Tensor& x, const Tensor& out) override;
  void matmul(const Tensor& a, const Tensor& b, const Tensor& out, double alpha,
              double beta) override;
  // dense.cpp: float32 through the AVX-512 kernels of dense_kernels.h
  bool dense_forward(const Tensor& x, const std::vector<DenseLayer>& layers,
                     const std::vector<Tensor>& ys) override;
  bool dense_backward(const Tensor& x, const std::vector<DenseLayer>& layers,
                      const std::vector<Tensor>& ys, const Tensor& g, const Tensor& gx,
                      const std::vector<Tensor>& gw, const std::vector<Tensor>& gb) override;
  bool dense_train(const Tensor& x, const std::vector<DenseLayer>& layers, const Tensor& target,
                   FusedLoss loss, const Tensor& prediction, double& loss_sum, const Tensor& gx,
                   const std::vector<Tensor>& gw, const std::vector<Tensor>& gb,
                   const DenseUnitsReady& ready) override;
  // recurrent.cpp: each thread takes a block of batch rows through every step
  void lstm_forward(const Tensor& w_hh, const Tensor& b_hh, const Tensor& gates, const Tensor& h,
                    const Tensor& c) override;
  void lstm_backward(const Tensor& w_hh, const Tensor& gates, const Tensor& c, const Tensor& grad_h,
                     const Tensor& dh, const Tensor& dc, const Tensor& grad_gates) override;
  void gru_forward(const Tensor& w_hh, const Tensor& b_hh, const Tensor& gates, const Tensor& h,
                   const Tensor& hn) override;
  void gru_backward(const Tensor& w_hh, const Tensor& gates, const Tensor& h, const Tensor& hn,
                    const Tensor& grad_h, const Tensor& dh, const Tensor& grad_input_gates,
                    const Tensor& grad_hidden_gates) override;
  void softmax(const Tensor& x, const Tensor& out, bool log) override;
  void softmax_backward(const Tensor& y, const Tensor& gy, const Tensor& out, bool log) override;
  void index_select(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) override;
  void index_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) override;
  void segment_max(const Tensor& src, const Tensor& index, const Tensor& out) override;
  void gather(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& out) override;
  void scatter_add(const Tensor& out, int64_t dim, const Tensor& index, const Tensor& src) override;
  void uniform(const Tensor& out, Generator& gen, double low, double high) override;
  void normal(const Tensor& out, Generator& gen, double mean, double stddev) override;
  void bernoulli(const Tensor& out, Generator& gen, double p) override;
  void adam_update(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v,
                   const AdamConfig& config) override;
  void sgd_update(const Tensor& param, const Tensor& grad, const Tensor& momentum,
                  const SgdConfig& config) override;
  // optimizer_kernels_extra.cpp
  void adagrad_update(const Tensor& param, const Tensor& grad, const Tensor& sum,
                      const AdagradConfig& config) override;
  void adadelta_update(const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                       const Tensor& acc_delta, const AdadeltaConfig& config) override;
  void rmsprop_update(const Tensor& param, const Tensor& grad, const Tensor& square_avg,
                      const Tensor& grad_avg, const Tensor& momentum_buffer,
                      const RmspropConfig& config) override;
  void add_penalty_gradient(const Tensor& param, const Tensor& grad, double l1, double l2) override;
  double penalty(const Tensor& x, double l1, double l2) override;
  double squared_norm(const Tensor& x) override;

  // Convolution and pooling (cnn)
  void conv2d(const Tensor& x, const Tensor& weight, const Tensor& bias, const Tensor& out,
              const Conv2dGeometry& g, bool relu) override;
  void conv2d_backward_input(const Tensor& grad_output, const Tensor& weight,
                             const Tensor& grad_input, const Conv2dGeometry& g) override;
  void conv2d_backward_weight(const Tensor& grad_output, const Tensor& x, const Tensor& grad_weight,
                              const Tensor& grad_bias, const Conv2dGeometry& g) override;
  bool conv2d_relu_backward(const Tensor& grad_output, const Tensor& relu_output, const Tensor& x,
                            const Tensor& weight, const Tensor& grad_input,
                            const Tensor& grad_weight, const Tensor& grad_bias,
                            const Conv2dGeometry& g) override;
  void max_pool2d(const Tensor& x, const Tensor& out, const Tensor& argmax,
                  const Pool2dGeometry& g) override;
  void max_pool2d_backward(const Tensor& grad_output, const Tensor& argmax,
                           const Tensor& grad_input) override;
  void avg_pool2d(const Tensor& x, const Tensor& out, const Pool2dGeometry& g) override;
  void avg_pool2d_backward(const Tensor& grad_output, const Tensor& grad_input,
                           const Pool2dGeometry& g) override;
  // batch_norm.cpp: one parallel sweep per pass over each channel's values
  bool batch_norm_forward(const Tensor& x, const Tensor& weight, const Tensor& bias, double eps,
                          const Tensor& y, const Tensor& xhat, const Tensor& mean,
                          const Tensor& var, const Tensor& invstd) override;
  bool batch_norm_backward(const Tensor& g, const Tensor& xhat, const Tensor& scale,
                           const Tensor& grad_x, const Tensor& sum_g,
                           const Tensor& sum_g_xhat) override;
};

SCIDL_ISA_END
