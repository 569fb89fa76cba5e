// Activation modules, Dropout and Flatten: thin wrappers over ops, so they can sit in a
// Sequential and be named in configs.
#pragma once
#include "scidl/nn/module.h"
#include "scidl/ops/linalg.h"
#include "scidl/tensor/random.h"

namespace scidl::nn {

class ReLU : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "ReLU"; }
};
class Tanh : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Tanh"; }
};
class Sigmoid : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Sigmoid"; }
};
class GELU : public Module {
 public:
  explicit GELU(bool tanh_approximation = false) : tanh_(tanh_approximation) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return tanh_ ? "GELU(tanh)" : "GELU"; }
  bool tanh_approximation() const { return tanh_; }

 private:
  bool tanh_;
};
class SiLU : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "SiLU"; }
};
class LeakyReLU : public Module {
 public:
  explicit LeakyReLU(double slope = 0.01) : slope_(slope) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  double slope() const { return slope_; }

 private:
  double slope_;
};
class ELU : public Module {
 public:
  explicit ELU(double alpha = 1.0) : alpha_(alpha) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  double alpha() const { return alpha_; }

 private:
  double alpha_;
};
class Softmax : public Module {
 public:
  explicit Softmax(int64_t dim = -1) : dim_(dim) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Softmax"; }
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_;
};
class LogSoftmax : public Module {
 public:
  explicit LogSoftmax(int64_t dim = -1) : dim_(dim) {}
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "LogSoftmax"; }
  int64_t dim() const { return dim_; }

 private:
  int64_t dim_;
};
class Identity : public Module {
 public:
  Tensor forward(const Tensor& x) override { return x; }
  std::string describe() const override { return "Identity"; }
};

// Inverted dropout; its own seeded generator makes runs reproducible and resumable (checkpoints
// save the generator of every Dropout, Dropout2d included).
class Dropout : public Module {
 public:
  explicit Dropout(double p = 0.5, uint64_t seed = 0);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;
  Generator& generator() { return gen_; }
  double rate() const { return p_; }

 protected:
  double p_;
  Generator gen_;
};

class Flatten : public Module {
 public:
  Tensor forward(const Tensor& x) override;
  std::string describe() const override { return "Flatten"; }
};

// The fused form of a module that is a plain activation (None when it is not one).
Activation fusable_activation(const Module& m);

}  // namespace scidl::nn
