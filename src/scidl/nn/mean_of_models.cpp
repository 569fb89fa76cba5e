#include "scidl/nn/mean_of_models.h"

#include <fmt/format.h>

#include <stdexcept>

#include "scidl/nn/model_spec.h"
#include "scidl/ops/ops.h"

namespace scidl::nn {

MeanOfModels::MeanOfModels(std::vector<ModulePtr> members) : members_(std::move(members)) {
  if (members_.empty()) throw std::invalid_argument("MeanOfModels: no members");
  for (size_t k = 0; k < members_.size(); ++k) register_module(std::to_string(k), members_[k]);
}

Tensor MeanOfModels::mean(std::vector<Tensor> outputs) const {
  Tensor sum = outputs[0];
  for (size_t k = 1; k < outputs.size(); ++k) {
    if (outputs[k].shape() != outputs[0].shape())
      throw std::invalid_argument(fmt::format(
          "{}: member {} gives outputs of shape {}, member 0 of shape {}: an ensemble's "
          "members must give the same outputs",
          describe(), k, shape_str(outputs[k].shape()), shape_str(outputs[0].shape())));
    sum = sum + outputs[k];
  }
  return sum * (1.0 / static_cast<double>(outputs.size()));
}

Tensor MeanOfModels::forward(const Tensor& x) {
  std::vector<Tensor> outputs;
  for (auto& m : members_) outputs.push_back(m->forward(x));
  return mean(std::move(outputs));
}

Tensor MeanOfModels::forward_batch(const TensorDict& inputs) {
  std::vector<Tensor> outputs;
  for (auto& m : members_) outputs.push_back(m->forward_batch(inputs));
  return mean(std::move(outputs));
}

std::vector<std::string> MeanOfModels::input_names() const { return members_[0]->input_names(); }

std::string MeanOfModels::describe() const {
  return fmt::format("MeanOfModels({} members)", members_.size());
}

io::LoadedModel load_mean_of_models(const std::vector<std::filesystem::path>& files) {
  if (files.empty()) throw std::invalid_argument("no model files given");
  io::LoadedModel first = io::load_model(files[0]);
  if (files.size() == 1) return first;
  std::vector<ModulePtr> members{first.model};
  for (size_t k = 1; k < files.size(); ++k) {
    io::LoadedModel next = io::load_model(files[k]);
    if (model_inputs(next.spec) != model_inputs(first.spec) ||
        next.spec.value("input_columns", nlohmann::json()) !=
            first.spec.value("input_columns", nlohmann::json()))
      throw std::invalid_argument(
          fmt::format("'{}' takes other inputs than '{}': the models of an ensemble take the same "
                      "inputs",
                      files[k].string(), files[0].string()));
    members.push_back(next.model);
  }
  first.model = std::make_shared<MeanOfModels>(std::move(members));
  return first;
}

}  // namespace scidl::nn
