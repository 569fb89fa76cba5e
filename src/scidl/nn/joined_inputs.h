// A model of several flat named inputs seen as a model of one: the columns of x are the inputs'
// columns one after another, in the order given. Whatever takes one input tensor (explanation
// methods, `scidl explain`) then covers every input: integrated gradients over the joined
// columns are each input's own, since splitting x is the identity on its coordinates.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "scidl/nn/module.h"

namespace scidl::nn {

class JoinedInputs : public Module {
 public:
  // `model` must outlive this; `widths`: each input's name and number of columns.
  JoinedInputs(Module& model, std::vector<std::pair<std::string, int64_t>> widths);
  Tensor forward(const Tensor& x) override;
  std::string describe() const override;

 private:
  Module& model_;
  std::vector<std::pair<std::string, int64_t>> widths_;
};

}  // namespace scidl::nn
