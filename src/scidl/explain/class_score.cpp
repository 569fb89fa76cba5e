#include "scidl/explain/class_score.h"

#include <fmt/format.h>

#include <vector>

#include "scidl/explain/target_gradient.h"
#include "scidl/ops/ops.h"

namespace scidl::explain {

ClassScore parse_class_score(const std::string& name) {
  if (name == "logit") return ClassScore::Logit;
  if (name == "log_probability") return ClassScore::LogProbability;
  if (name == "log_odds") return ClassScore::LogOdds;
  throw ExplainError(fmt::format(
      "the explained class score is logit, log_probability or log_odds, not '{}'", name));
}

std::string class_score_name(ClassScore score) {
  switch (score) {
    case ClassScore::Logit:
      return "logit";
    case ClassScore::LogProbability:
      return "log_probability";
    case ClassScore::LogOdds:
      return "log_odds";
  }
  return "logit";
}

Tensor class_scores(const Tensor& logits, ClassScore score) {
  if (score == ClassScore::Logit) return logits;
  if (logits.dim() != 2 || logits.shape()[1] < 2)
    throw ExplainError(
        fmt::format("the {} of a class needs a classifier's outputs [N, classes >= 2], got {}",
                    class_score_name(score), shape_str(logits.shape())));
  if (score == ClassScore::LogProbability) return log_softmax(logits, 1);
  // z_c - logsumexp of the other logits, each logsumexp shifted by its maximum (stable).
  const int64_t classes = logits.shape()[1];
  std::vector<Tensor> columns;
  for (int64_t c = 0; c < classes; ++c) {
    std::vector<int64_t> others;
    for (int64_t k = 0; k < classes; ++k)
      if (k != c) others.push_back(k);
    const Tensor rest = index_select(logits, 1, from_vector(others, {classes - 1}));
    const Tensor top = max(rest, {1}, true).detach();
    const Tensor lse = top + log(sum(exp(rest - top), {1}, true));
    columns.push_back(slice(logits, 1, c, c + 1) - lse);
  }
  return concat(columns, 1);
}

std::string ClassScoreModel::describe() const {
  return fmt::format("{} of {}", class_score_name(score_), model_->describe());
}

}  // namespace scidl::explain
