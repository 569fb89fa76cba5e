// Data-parallel training over a Communicator (dist/communicator.h), what the Trainer does in each
// rank of `mpirun -np N scidl train` (PyTorch DDP's scheme):
//   - at the start, rank 0's parameters and buffers go to every rank (broadcast_model);
//   - each rank trains on its shard of every epoch (data/distributed_sampler.h);
//   - the gradients are averaged over the ranks in buckets of whole parameters, last parameters
//     first (the order backward finishes them), the first bucket about 1 MB and the others up to
//     25 MB, as DDP's. backward() starts each bucket's all-reduce from inside the backward pass
//     as soon as autograd has finished its parameters' gradients (autograd::LeafGradientReady),
//     so the sums travel while the layers below still compute theirs; average_gradients() starts
//     what is left (every bucket, after a fused pass, which finishes all its gradients at once),
//     waits for them all and divides by the ranks;
//   - each batch's loss, rows and metric sums are summed over the ranks (reduce_batch), so every
//     rank's progress, logs and decisions (early stopping, a non-finite loss) are the job's.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "scidl/dist/communicator.h"
#include "scidl/nn/module.h"
#include "scidl/optim/optimizer.h"
#include "scidl/tensor/tensor.h"
#include "scidl/train/metrics.h"

namespace scidl::train {

struct DataParallelOptions {
  int64_t first_bucket_bytes = int64_t{1} << 20;  // DDP's first bucket
  int64_t bucket_bytes = int64_t{25} << 20;       // DDP's bucket_cap_mb = 25
  bool overlap = true;  // start buckets inside backward (off: all after it, for comparisons)
};

class DataParallel {
 public:
  DataParallel(dist::Communicator& communicator, optim::Optimizer& optimizer,
               const DataParallelOptions& options = {});
  dist::Communicator& communicator() { return comm_; }
  int rank() const { return comm_.rank(); }
  int size() const { return comm_.size(); }

  // Every parameter and buffer of `model` (and the optimizer's flat buffer) becomes rank 0's.
  void broadcast_model(nn::Module& model);
  // loss.backward(), each bucket's all-reduce started once its gradients are final.
  void backward(const Tensor& loss);
  // The optimizer's flat gradients become their mean over the ranks. `step` names it in errors.
  void average_gradients(int64_t step);
  // A batch's mean loss over `rows` rows and the metrics' updates from it, summed over ranks:
  // returns the job's mean loss over the job's rows (set in `rows`), and every metric holds
  // the job's sums. `prediction` and `target` are this rank's.
  double reduce_batch(double loss, int64_t& rows, std::vector<std::unique_ptr<Metric>>& metrics,
                      const Tensor& prediction, const Tensor& target, int64_t step);

  // The bucket boundaries over the flat gradient buffer: [begin, end) in elements, last first.
  const std::vector<std::pair<int64_t, int64_t>>& buckets() const { return buckets_; }
  // How many buckets backward() started before it returned, in the last step (for tests).
  size_t started_in_backward() const { return started_in_backward_; }

 private:
  void on_gradient_ready(const Tensor& parameter);
  void start_ready_buckets();

  dist::Communicator& comm_;
  optim::Optimizer& optimizer_;
  DataParallelOptions options_;
  std::vector<std::pair<int64_t, int64_t>> buckets_;
  std::unordered_map<const TensorImpl*, size_t> bucket_of_;  // a parameter's bucket
  std::vector<int> parameters_in_;                           // each bucket's parameter count
  std::vector<int> pending_;  // this step: each bucket's parameters backward has not finished
  size_t started_ = 0;        // this step: buckets started, in order
  size_t started_in_backward_ = 0;
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

// DDP's buckets over parameters of `sizes` floats laid end to end: whole parameters taken from
// the last, a bucket closed once it holds `first` floats (the first bucket) or `cap` (the
// others). Returns each bucket's [begin, end) in floats, last first.
std::vector<std::pair<int64_t, int64_t>> gradient_buckets(const std::vector<int64_t>& sizes,
                                                          int64_t first, int64_t cap);

}  // namespace scidl::train
