// Module: a piece of a network with named parameters, buffers (running statistics) and child
// modules, a train/eval mode, and a state dict. Names follow PyTorch ("0.weight"), so weights
// move between scidl and PyTorch by name (safetensors import/export).
// Contract: register_* is called from constructors only; parameters are leaves requiring grad.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scidl/tensor/tensor.h"
#include "scidl/tensor/tensor_dict.h"

namespace scidl::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  virtual ~Module() = default;
  virtual Tensor forward(const Tensor& x) = 0;
  Tensor operator()(const Tensor& x) { return forward(x); }

  // A model's inputs by name: what it reads from a batch ({"x"} for a model of one input).
  virtual std::vector<std::string> input_names() const { return {"x"}; }
  // The forward on a batch of named tensors (extra entries, such as "y", are ignored).
  virtual Tensor forward_batch(const TensorDict& inputs) { return forward(inputs.get("x")); }
  // A layer with several inputs (add, concat) overrides this; others take exactly one.
  virtual Tensor forward_inputs(const std::vector<Tensor>& xs);
  // The model as one plain chain of single-input modules applied in order from its one input
  // (a Sequential, or a graph that is a chain), for the fusion passes (nn/fusion.h); empty when
  // it is not one.
  virtual std::vector<Module*> as_chain() { return {}; }

  // "Linear(3 -> 128)"; used in summaries.
  virtual std::string describe() const = 0;

  NamedTensors named_parameters() const;
  std::vector<Tensor> parameters() const;
  NamedTensors named_buffers() const;
  std::map<std::string, Tensor> state_dict() const;  // parameters and buffers
  // Copies values in by name. Strict: every entry must match a name and shape, and every
  // parameter must be given; errors list what is missing, unexpected or mis-shaped.
  void load_state_dict(const std::map<std::string, Tensor>& state, bool strict = true);
  int64_t parameter_count() const;

  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }
  // Converts every parameter and buffer to dtype (in place: existing handles see the change).
  void to(DType dtype);
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& children() const {
    return children_;
  }
  virtual std::string summary() const;  // one line per module with parameter counts

 protected:
  Tensor register_parameter(std::string name, Tensor value);
  Tensor register_buffer(std::string name, Tensor value);
  template <typename M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> m) {
    children_.emplace_back(std::move(name), m);
    return m;
  }

 private:
  void collect(const std::string& prefix, NamedTensors& out, bool buffers) const;
  NamedTensors params_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

using ModulePtr = std::shared_ptr<Module>;

}  // namespace scidl::nn
