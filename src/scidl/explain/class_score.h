// What of a classifier's outputs an explanation attributes. A network trained with
// cross_entropy returns raw logits, and a logit alone is defined only up to a constant shared by
// all classes, so its evidence can sit in the other classes' logits. Three readings:
//   logit            z_c, the output as it is (the default);
//   log_probability  log softmax(z)_c, what PyG's Captum tutorial explains (its network ends
//                    in log_softmax);
//   log_odds         log p_c - log(1 - p_c) = z_c - logsumexp_{k != c} z_k: for two classes
//                    the logit difference z_c - z_other, so evidence against the other class
//                    counts for this one.
// Contract: the wrapped model returns [N, C] with C >= 2 for the last two; ClassScoreModel
// returns the same shape, column c the score of class c.
#pragma once
#include <string>

#include "scidl/nn/module.h"

namespace scidl::explain {

enum class ClassScore { Logit, LogProbability, LogOdds };

// "logit", "log_probability" or "log_odds"; anything else throws ExplainError naming them.
ClassScore parse_class_score(const std::string& name);
std::string class_score_name(ClassScore score);

// The scores of every class from logits [N, C] (differentiable).
Tensor class_scores(const Tensor& logits, ClassScore score);

// A model whose outputs are its inner model's class scores; forward and forward_batch both map.
// The inner model is its child "model", so its parameters and layers are found through it.
class ClassScoreModel : public nn::Module {
 public:
  ClassScoreModel(nn::ModulePtr model, ClassScore score)
      : model_(register_module("model", std::move(model))), score_(score) {}
  Tensor forward(const Tensor& x) override { return class_scores(model_->forward(x), score_); }
  Tensor forward_batch(const TensorDict& inputs) override {
    return class_scores(model_->forward_batch(inputs), score_);
  }
  std::vector<std::string> input_names() const override { return model_->input_names(); }
  std::string describe() const override;

 private:
  nn::ModulePtr model_;
  ClassScore score_;
};

}  // namespace scidl::explain
