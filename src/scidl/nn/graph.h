// A model as a graph of named layers, each naming its inputs: residual and skip connections,
// several model inputs by name. The C++ form of a config's graph (nn/model_spec.h):
//   Graph model({"x"}, {{"h1", {"x"}, linear1, relu}, {"h2", {"h1"}, linear2, tanh},
//                       {"r", {"h1", "h2"}, add}, {"out", {"r"}, linear3}});
// Parameters are named after their layer ("h1.weight"), so a layer named "block1.linear" has
// PyTorch's dotted names ("block1.linear.weight"). Runs of single-input layers go through the
// same fusion pass as a Sequential (nn/fusion.h).
// Contract: the constructor refuses a layer naming a missing input, a cycle, and a layer or a
// model input nothing reads; each error names the layers.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "scidl/nn/module.h"

namespace scidl::nn {

// The layers (by index) in an order where each follows the layers it reads, keeping the listed
// order where the graph allows; `reads[i]` may also name model inputs, which are ignored.
// Throws GraphCycleError, naming the layers, when some read each other in a cycle.
struct GraphCycleError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};
std::vector<size_t> graph_order(const std::vector<std::string>& names,
                                const std::vector<std::vector<std::string>>& reads);

struct GraphLayer {
  std::string name;
  std::vector<std::string> inputs;  // model inputs or other layers, by name
  ModulePtr layer;
  ModulePtr activation = nullptr;  // applied to the layer's output; null for none
};

class Graph : public Module {
 public:
  // `output`: the layer whose value the model returns; empty for the last one listed.
  Graph(std::vector<std::string> inputs, std::vector<GraphLayer> layers, std::string output = "");
  Tensor forward(const Tensor& x) override;  // a graph of one input
  Tensor forward_batch(const TensorDict& inputs) override;
  std::vector<std::string> input_names() const override { return inputs_; }
  std::vector<Module*> as_chain() override;
  std::string describe() const override;
  std::string summary() const override;  // one line per layer: name, type, inputs, parameters
  // The layers in an order where each follows the layers it reads.
  const std::vector<GraphLayer>& layers() const { return layers_; }
  const std::string& output_name() const { return output_; }  // the layer the model returns

 private:
  // One step of the planned forward: `head` reads the values in `in` (one or several), then
  // `tail` (activations and single-input layers whose values nothing else reads) runs on its
  // output through the fusion pass; the result fills value slot `out`.
  struct Step {
    std::vector<int> in;
    Module* head;
    std::vector<Module*> tail;
    int out;
  };
  Tensor run(std::vector<Tensor> values);

  std::vector<std::string> inputs_;
  std::vector<GraphLayer> layers_;  // in an order where every layer follows its inputs
  std::string output_;
  std::vector<Step> plan_;
  int output_slot_ = 0;
};

}  // namespace scidl::nn
