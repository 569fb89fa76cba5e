// Optimizer base. On construction every parameter is moved into one contiguous buffer (and its
// gradient into another): the parameters keep their identity but become views, so each update
// is one fused pass over all weights (llm.c style) and zero_grad is one fill.
// Contract: parameters share dtype and device; state() round-trips through load_state().
#pragma once
#include <map>
#include <string>
#include <vector>

#include "scidl/backend/backend.h"
#include "scidl/tensor/tensor.h"

namespace scidl::optim {

class Optimizer {
 public:
  explicit Optimizer(std::vector<Tensor> params);
  virtual ~Optimizer() = default;
  // One update of every parameter from its gradient, split between the threads.
  void step();
  // step() in parts, for a pass that has each part's gradient at a different time
  // (train/fused_step.h: a dense chain's layers are updated in the backward pass, while their
  // gradients are in cache): update(part) applies the coming step (steps() + 1) to the elements
  // `part` of the flat buffers, on the calling thread; parts that do not overlap may be updated
  // concurrently. Once every element has been updated once, finish_step() counts the step.
  virtual void update(const backend::FlatRange& part) = 0;
  void finish_step() { ++steps_; }
  virtual std::string name() const = 0;
  void zero_grad();

  double lr() const { return lr_; }
  void set_lr(double lr) { lr_ = lr; }
  int64_t steps() const { return steps_; }
  const Tensor& flat_parameters() const { return flat_params_; }
  const Tensor& flat_gradients() const { return flat_grads_; }
  const std::vector<Tensor>& parameters() const { return params_; }

  // Everything needed to resume: step count, learning rate and copies of the state buffers (a
  // snapshot later steps do not change). load_state refuses buffers this optimizer does not
  // have and buffers of the wrong length, naming them.
  virtual std::map<std::string, Tensor> state() const;
  virtual void load_state(const std::map<std::string, Tensor>& state);

 protected:
  double lr_ = 1e-3;
  int64_t steps_ = 0;
  std::vector<Tensor> params_;
  Tensor flat_params_, flat_grads_;
  std::map<std::string, Tensor> buffers_;  // named state buffers, same length as flat_params_
  Tensor& buffer(const std::string& name);  // created (zeros) on first use
};

// Moves `params` into one contiguous buffer (no-op if they already are) and gives each a view
// of one flat gradient buffer. Returns {flat parameters, flat gradients}.
std::pair<Tensor, Tensor> flatten_parameters(const std::vector<Tensor>& params);

}  // namespace scidl::optim
