#include "scidl/train/data_parallel.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "scidl/autograd/engine.h"
#include "scidl/train/run.h"

namespace scidl::train {

namespace {

void broadcast_tensor(dist::Communicator& comm, const Tensor& t, const std::string& name) {
  if (!t.defined() || t.numel() == 0) return;
  if (!t.is_contiguous())
    throw std::logic_error(fmt::format("broadcast_model: '{}' is not contiguous", name));
  comm.broadcast(t.raw_data(), t.numel() * int64_t(dtype_size(t.dtype())), 0,
                 fmt::format("the broadcast of rank 0's '{}'", name));
}

uint64_t fnv1a(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
  return h;
}

// Rank `root`'s text on every rank.
std::string broadcast_text(dist::Communicator& comm, const std::string& text, int root) {
  uint64_t length = text.size();
  comm.broadcast(&length, sizeof length, root, "the broadcast of a config's length");
  std::string out = comm.rank() == root ? text : std::string(length, '\0');
  comm.broadcast(out.data(), int64_t(length), root, "the broadcast of a config");
  return out;
}

}  // namespace

void check_same_settings(dist::Communicator& comm, const nlohmann::json& settings) {
  const std::string text = settings.dump();
  const auto hashes = comm.all_gather(fnv1a(text), "the comparison of the ranks' configs");
  int other = -1;
  for (int r = 1; r < comm.size() && other < 0; ++r)
    if (hashes[size_t(r)] != hashes[0]) other = r;
  if (other < 0) return;
  std::map<std::string, std::string> first, theirs;
  flatten_config(nlohmann::json::parse(broadcast_text(comm, text, 0)), "", first);
  flatten_config(nlohmann::json::parse(broadcast_text(comm, text, other)), "", theirs);
  std::vector<std::string> lines;
  for (const auto& [k, v] : first) {
    auto it = theirs.find(k);
    lines.push_back(
        it == theirs.end() ? fmt::format("{}: {} on rank 0, absent on rank {}", k, v, other)
        : it->second != v  ? fmt::format("{}: {} on rank 0, {} on rank {}", k, v, it->second, other)
                           : std::string());
    if (lines.back().empty()) lines.pop_back();
  }
  for (const auto& [k, v] : theirs)
    if (!first.count(k))
      lines.push_back(fmt::format("{}: absent on rank 0, {} on rank {}", k, v, other));
  int differing = 0;
  for (uint64_t h : hashes) differing += h != hashes[0];
  throw dist::JobError(fmt::format(
      "the {} ranks of this job were not given the same config: rank {}'s differs from rank 0's "
      "({} rank{} differ{}):\n  {}\nstart every rank with the same config, --set overrides and "
      "options",
      comm.size(), other, differing, differing > 1 ? "s" : "", differing > 1 ? "" : "s",
      fmt::join(lines, "\n  ")));
}

std::vector<std::pair<int64_t, int64_t>> gradient_buckets(const std::vector<int64_t>& sizes,
                                                          int64_t first, int64_t cap) {
  std::vector<std::pair<int64_t, int64_t>> out;
  int64_t end = 0;
  for (int64_t s : sizes) end += s;
  int64_t begin = end;
  for (size_t i = sizes.size(); i-- > 0;) {
    begin -= sizes[i];
    if (end - begin >= (out.empty() ? first : cap) || i == 0) {
      out.emplace_back(begin, end);
      end = begin;
    }
  }
  return out;
}

DataParallel::DataParallel(dist::Communicator& communicator, optim::Optimizer& optimizer,
                           const DataParallelOptions& options)
    : comm_(communicator), optimizer_(optimizer), options_(options) {
  if (optimizer.flat_gradients().dtype() != DType::Float32)
    throw std::invalid_argument(
        "data-parallel training averages float32 gradients; this model's are float64");
  std::vector<int64_t> sizes;
  for (const Tensor& p : optimizer.parameters()) sizes.push_back(p.numel());
  buckets_ = gradient_buckets(sizes, options.first_bucket_bytes / 4, options.bucket_bytes / 4);
  parameters_in_.assign(buckets_.size(), 0);
  for (const Tensor& p : optimizer.parameters()) {
    // The parameters lie end to end in the flat buffer (optim::flatten_parameters).
    size_t b = 0;
    while (b + 1 < buckets_.size() && p.offset() < buckets_[b].first) ++b;
    bucket_of_[p.impl()] = b;
    ++parameters_in_[b];
  }
  pending_ = parameters_in_;
}

void DataParallel::broadcast_model(nn::Module& model) {
  if (comm_.size() == 1) return;
  broadcast_tensor(comm_, optimizer_.flat_parameters(), "parameters");
  for (const auto& [name, p] : model.named_parameters())  // any the optimizer does not hold
    if (!p.same_storage(optimizer_.flat_parameters())) broadcast_tensor(comm_, p, name);
  for (const auto& [name, b] : model.named_buffers()) broadcast_tensor(comm_, b, name);
}

void DataParallel::backward(const Tensor& loss) {
  started_in_backward_ = 0;
  if (comm_.size() == 1 || !options_.overlap) {
    loss.backward();
    return;
  }
  pending_ = parameters_in_;
  started_ = 0;
  {
    autograd::LeafGradientReady hook([this](const Tensor& leaf) { on_gradient_ready(leaf); });
    loss.backward();
  }
  started_in_backward_ = started_;
}

void DataParallel::on_gradient_ready(const Tensor& parameter) {
  const auto it = bucket_of_.find(parameter.impl());
  if (it == bucket_of_.end()) return;  // a leaf the optimizer does not hold
  --pending_[it->second];
  start_ready_buckets();
  comm_.progress();
}

// In bucket order (every rank starts the same sums in the same order), each whose parameters
// backward has all finished.
void DataParallel::start_ready_buckets() {
  float* grads = optimizer_.flat_gradients().data<float>();
  for (; started_ < buckets_.size() && pending_[started_] == 0; ++started_) {
    const auto [begin, end] = buckets_[started_];
    comm_.start_all_reduce({grads + begin, end - begin});
  }
}

void DataParallel::average_gradients(int64_t step) {
  if (comm_.size() == 1) return;
  std::fill(pending_.begin(), pending_.end(), 0);
  start_ready_buckets();
  comm_.finish_all_reduces(fmt::format("the all-reduce of the gradients of step {}", step + 1));
  started_ = 0;
  pending_ = parameters_in_;
  float* grads = optimizer_.flat_gradients().data<float>();
  const float scale = 1.0f / float(comm_.size());
  const int64_t n = optimizer_.flat_gradients().numel();
#pragma omp parallel for simd schedule(static) if (n > (1 << 16))
  for (int64_t i = 0; i < n; ++i) grads[i] *= scale;
}

double DataParallel::reduce_batch(double loss, int64_t& rows,
                                  std::vector<std::unique_ptr<Metric>>& metrics,
                                  const Tensor& prediction, const Tensor& target, int64_t step) {
  return reduce_batch_over_ranks(comm_, loss, rows, metrics, prediction, target, step, true, sums_);
}

double reduce_batch_over_ranks(dist::Communicator& comm, double loss, int64_t& rows,
                               std::vector<std::unique_ptr<Metric>>& metrics,
                               const Tensor& prediction, const Tensor& target, int64_t step,
                               bool contribute, std::vector<double>& sums) {
  // [loss * rows, rows, then each metric's change of its sums from this batch]
  sums.assign(2, 0.0);
  if (contribute) {
    sums[0] = loss * double(rows);
    sums[1] = double(rows);
  }
  std::vector<std::vector<double>> before;
  for (auto& m : metrics) {
    before.push_back(m->state());
    if (!contribute) {
      sums.resize(sums.size() + before.back().size(), 0.0);
      continue;
    }
    m->update(prediction, target);
    const auto after = m->state();
    for (size_t i = 0; i < after.size(); ++i) sums.push_back(after[i] - before.back()[i]);
  }
  comm.all_reduce_sum(sums.data(), int64_t(sums.size()),
                      fmt::format("the all-reduce of the loss and metrics of step {}", step + 1));
  size_t at = 2;
  for (size_t k = 0; k < metrics.size(); ++k) {
    auto state = before[k];
    for (auto& v : state) v += sums[at++];
    metrics[k]->load_state(state);
  }
  rows = int64_t(sums[1]);
  return sums[0] / sums[1];
}

}  // namespace scidl::train
