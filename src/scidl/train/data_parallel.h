// Data-parallel training over a Communicator (dist/communicator.h), what the Trainer does in each
// rank of `mpirun -np N scidl train` (PyTorch DDP's scheme):
//   - at the start, rank 0's parameters and buffers go to every rank (broadcast_model);
//   - each rank trains on its shard of every epoch (data/distributed_sampler.h);
//   - after each backward the gradients are averaged over the ranks (average_gradients): the
//     flat gradient buffer goes out in buckets, last parameters first (the order backward
//     finishes them), the first bucket 1 MB and the others up to 25 MB as in DDP, all started
//     together as non-blocking all-reduces and waited for at once; then divided by the ranks;
//   - each batch's loss, rows and metric sums are summed over the ranks (reduce_batch), so every
//     rank's progress, logs and decisions (early stopping, a non-finite loss) are the job's.
// The buckets are not started from inside backward (the autograd engine has no per-gradient
// hook, and the fused dense pass computes its gradients on worker threads that may not call
// MPI); they overlap one another, not the backward pass.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "scidl/dist/communicator.h"
#include "scidl/nn/module.h"
#include "scidl/optim/optimizer.h"
#include "scidl/tensor/tensor.h"
#include "scidl/train/metrics.h"

namespace scidl::train {

class DataParallel {
 public:
  DataParallel(dist::Communicator& communicator, optim::Optimizer& optimizer);
  dist::Communicator& communicator() { return comm_; }
  int rank() const { return comm_.rank(); }
  int size() const { return comm_.size(); }

  // Every parameter and buffer of `model` (and the optimizer's flat buffer) becomes rank 0's.
  void broadcast_model(nn::Module& model);
  // The optimizer's flat gradients become their mean over the ranks. `step` names it in errors.
  void average_gradients(int64_t step);
  // A batch's mean loss over `rows` rows and the metrics' updates from it, summed over ranks:
  // returns the job's mean loss over the job's rows (set in `rows`), and every metric holds
  // the job's sums. `prediction` and `target` are this rank's.
  double reduce_batch(double loss, int64_t& rows, std::vector<std::unique_ptr<Metric>>& metrics,
                      const Tensor& prediction, const Tensor& target, int64_t step);

  // The bucket boundaries over the flat gradient buffer: [begin, end) in elements, last first.
  const std::vector<std::pair<int64_t, int64_t>>& buckets() const { return buckets_; }

 private:
  dist::Communicator& comm_;
  optim::Optimizer& optimizer_;
  std::vector<std::pair<int64_t, int64_t>> buckets_;
  std::vector<double> sums_;  // reduce_batch's buffer, kept between batches
};

// A batch's mean loss over `rows` rows and the metrics' updates from it, summed over the ranks of
// `communicator` in one all-reduce (`sums` is its buffer): returns the job's mean loss over the
// job's rows (set in `rows`), and every metric holds the job's sums. A rank that does not
// `contribute` (a pipeline's stages before the last) adds nothing and leaves its metrics alone.
double reduce_batch_over_ranks(dist::Communicator& communicator, double loss, int64_t& rows,
                               std::vector<std::unique_ptr<Metric>>& metrics,
                               const Tensor& prediction, const Tensor& target, int64_t step,
                               bool contribute, std::vector<double>& sums);

// Refuses, on every rank alike, a job whose ranks were given different settings (a config, its
// --set overrides, the command's options: `settings` as JSON): compares a hash of them over the
// ranks, and names the keys where the first differing rank's settings differ from rank 0's.
void check_same_settings(dist::Communicator& communicator, const nlohmann::json& settings);

// Buckets of `total` floats taken from the end: the first `first` floats long, the rest `cap`.
std::vector<std::pair<int64_t, int64_t>> gradient_buckets(int64_t total, int64_t first,
                                                          int64_t cap);

}  // namespace scidl::train
