// Model-parallel training over a Communicator: GPipe's pipeline, what the Trainer does in each
// rank of `mpirun -np S scidl train` when the config says [distributed] mode = "pipeline":
//   - the model's chain of layers (a stack, or a graph that is one chain) is cut into S stages of
//     consecutive layers, stage s on rank s: where split_before says, or balanced by parameter
//     count (balance_stages);
//   - each batch is cut into M micro-batches (torch.tensor_split's sizes); stage s runs every
//     micro-batch forward (its input received from s - 1, its output sent to s + 1), then every
//     one backward, last first (the output's gradient received from s + 1, the input's sent to
//     s - 1). The last stage weights each micro-batch's mean loss by its share of the batch's
//     rows, so the gradients accumulated over the micro-batches are the whole batch's;
//   - each stage steps the optimizer over its own parameters only (their range of the flat
//     buffer).
// Every rank builds the whole model, but while training only the owning stage's copy of a layer
// is current: synchronize() brings each stage's parameters, buffers (batch-norm statistics),
// optimizer state and Dropout generators to every rank. The Trainer calls it at the end of every
// epoch (before validation, callbacks and the saved model) and every `synchronize_every` steps,
// so what rank 0 writes is the whole model, as one rank writes it.
// Batch norm normalises each micro-batch by its own statistics (as GPipe does); Dropout draws
// each micro-batch's mask from its stage's generator. Either way the pipeline's numbers then
// differ from one rank's over the whole batch, by design; without them they agree to float32
// rounding.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "scidl/dist/communicator.h"
#include "scidl/nn/module.h"
#include "scidl/optim/optimizer.h"
#include "scidl/tensor/tensor.h"
#include "scidl/train/losses.h"

namespace scidl::train {

struct PipelineOptions {
  int micro_batches = 4;
  // The chain indices (the numbers in parameter names, "4.weight") where stages 1, 2, ... begin;
  // empty: balance_stages.
  std::vector<int64_t> split_before;
  int64_t synchronize_every = 0;  // steps; 0: at epoch ends only
};

// [begin, end) of each of `stages` stages over a chain whose modules hold `parameters[i]`
// parameters: every stage begins at a module with parameters (the layers without, activations
// and pooling, stay with the layer before them), and the largest stage's count is the smallest
// possible. Throws dist::JobError when fewer modules than `stages` hold parameters.
std::vector<std::pair<size_t, size_t>> balance_stages(const std::vector<int64_t>& parameters,
                                                      int stages);

// Seconds over the steps since reset: computing, and waiting for another stage (receiving, and
// the sends finishing) inside the schedule's window (first forward to last backward).
struct PipelineTimes {
  double compute_s = 0, idle_s = 0;
  int64_t steps = 0;
};

class Pipeline {
 public:
  // Refuses, on every rank alike (dist::JobError), a model that is not one chain, fewer layers
  // with parameters than ranks, and split_before that does not name S - 1 increasing indices.
  Pipeline(dist::Communicator& communicator, nn::Module& model, optim::Optimizer& optimizer,
           PipelineOptions options);
  int stage() const { return comm_.rank(); }
  int stages() const { return comm_.size(); }
  bool last_stage() const { return stage() == stages() - 1; }
  const PipelineOptions& options() const { return options_; }
  // This stage's modules of the chain, [begin, end).
  std::pair<size_t, size_t> layers() const { return bounds_.at(size_t(stage())); }
  const std::vector<std::pair<size_t, size_t>>& stage_layers() const { return bounds_; }
  int64_t stage_parameters(size_t stage) const {
    return flat_range_.at(stage).second - flat_range_.at(stage).first;
  }

  // Refuses, naming the keys, a batch size that micro_batches does not divide or is larger
  // than, data of graphs, and what the pipeline cannot do yet (regularization, clipping by norm).
  void check_fit(int64_t batch_size, bool graphs, bool regularization, bool clip_norm) const;

  // One step's forward and backward over this stage: the flat gradients are zeroed, then hold
  // the whole batch's for this stage's parameters. On the last stage returns the batch's mean
  // loss and the prediction (its micro-batches' outputs, without a graph); elsewhere 0 and none.
  struct Result {
    double loss = 0;
    Tensor prediction;
  };
  Result forward_backward(const Tensor& x, const Tensor& y, const LossFn& loss, int64_t step);
  // The optimizer's step over this stage's parameters; counts the step on every stage.
  void step_optimizer();

  void broadcast_model();  // rank 0's parameters, buffers and optimizer state to every rank
  void synchronize();      // each stage's, from its rank, to every rank

  const PipelineTimes& times() const { return times_; }
  void reset_times() { times_ = {}; }

 private:
  void send_tensor(const Tensor& t, int to, int tag, const std::string& what);
  Tensor receive_tensor(int from, int tag, const std::string& what);
  void share_stage(size_t stage, int root);  // stage's state from rank root to every rank

  dist::Communicator& comm_;
  nn::Module& model_;
  optim::Optimizer& optimizer_;
  PipelineOptions options_;
  std::vector<nn::Module*> chain_;
  std::vector<std::pair<size_t, size_t>> bounds_;        // each stage's modules
  std::vector<std::pair<int64_t, int64_t>> flat_range_;  // each stage's parameters in the flat
  std::vector<Tensor> sent_;                             // kept until the sends finish
  std::vector<std::vector<int64_t>> headers_;
  PipelineTimes times_;
};

// "stage 1: layers 0-3 (4,355 parameters), stage 2: layers 4-6 (...); 4 micro-batches a batch"
std::string describe_stages(const Pipeline& pipeline);

}  // namespace scidl::train
