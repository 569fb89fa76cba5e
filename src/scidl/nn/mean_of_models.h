// MeanOfModels: an ensemble as one model, whose output is the mean of its members' outputs (for
// a classifier, of their logits). Gradients and attributions go through it as through any model:
// integrated gradients of the mean's logit are the mean of the members' (IG is linear in the
// function), which is what `scidl explain --model A --model B ...` computes.
#pragma once
#include <filesystem>
#include <vector>

#include "scidl/nn/model_io.h"
#include "scidl/nn/module.h"

namespace scidl::nn {

class MeanOfModels : public Module {
 public:
  explicit MeanOfModels(std::vector<ModulePtr> members);
  Tensor forward(const Tensor& x) override;
  Tensor forward_batch(const TensorDict& inputs) override;
  std::vector<std::string> input_names() const override;
  std::string describe() const override;

 private:
  Tensor mean(std::vector<Tensor> outputs) const;
  std::vector<ModulePtr> members_;
};

// The models in `files`: the one model itself, or several as a MeanOfModels with the first's
// spec. Their specs must take the same inputs; the error names the file that does not.
io::LoadedModel load_mean_of_models(const std::vector<std::filesystem::path>& files);

}  // namespace scidl::nn
