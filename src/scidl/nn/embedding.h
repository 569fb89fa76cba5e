// Embedding with PyTorch's semantics and name (weight [num, dim], initialised N(0, 1)): integer
// indices of any shape become vectors, out = indices.shape + [dim]. Float inputs holding whole
// numbers (a CSV column of category codes) are taken as indices, as Keras does.
#pragma once
#include "scidl/nn/module.h"
#include "scidl/tensor/random.h"

namespace scidl::nn {

class Embedding : public Module {
 public:
  Embedding(int64_t num, int64_t dim, DType dtype = DType::Float32,
            Generator& gen = default_generator());
  Tensor forward(const Tensor& indices) override;
  std::string describe() const override;
  const Tensor& weight() const { return weight_; }

 private:
  int64_t num_, dim_;
  Tensor weight_;
};

}  // namespace scidl::nn
