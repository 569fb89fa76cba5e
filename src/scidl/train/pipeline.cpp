#include "scidl/train/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <type_traits>

#include "scidl/autograd/grad_mode.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/fusion.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::train {

namespace {

// Message tags between neighbouring stages (the communicator's liveness probe uses its own).
constexpr int kActivationTag = 1;
constexpr int kGradientTag = 2;
constexpr size_t kHeaderLength = 10;  // dtype, rank, up to 8 sizes

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

void collect_dropouts(nn::Module& m, std::vector<Generator*>& out) {
  if (auto* d = dynamic_cast<nn::Dropout*>(&m)) out.push_back(&d->generator());
  for (const auto& [name, child] : m.children()) collect_dropouts(*child, out);
}

std::string stage_list(const std::vector<std::pair<size_t, size_t>>& bounds) {
  std::vector<std::string> parts;
  for (const auto& [b, e] : bounds) parts.push_back(fmt::format("[{}, {})", b, e));
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::vector<std::pair<size_t, size_t>> balance_stages(const std::vector<int64_t>& parameters,
                                                      int stages) {
  std::vector<size_t> starts;  // the modules with parameters: where a stage may begin
  for (size_t i = 0; i < parameters.size(); ++i)
    if (parameters[i] > 0) starts.push_back(i);
  const size_t k = starts.size(), s = size_t(std::max(stages, 1));
  if (k < s)
    throw dist::JobError(fmt::format(
        "a pipeline of {} stages (one a rank) needs at least as many layers with parameters, "
        "but the model has {}: run at most {} rank{}, or use [distributed] mode = \"data\"",
        s, k, k, k == 1 ? "" : "s"));
  // Group g: module starts[g] with the parameterless modules after it. Linear partition of the
  // groups' counts into s parts minimising the largest part (dynamic programming, first optimum).
  std::vector<int64_t> prefix(k + 1, 0);
  for (size_t g = 0; g < k; ++g) prefix[g + 1] = prefix[g] + parameters[starts[g]];
  constexpr int64_t kInf = std::numeric_limits<int64_t>::max();
  // best[p][g]: the smallest largest part of groups [0, g) in p parts; cut[p][g]: its last start.
  std::vector<std::vector<int64_t>> best(s + 1, std::vector<int64_t>(k + 1, kInf));
  std::vector<std::vector<size_t>> cut(s + 1, std::vector<size_t>(k + 1, 0));
  best[0][0] = 0;
  for (size_t p = 1; p <= s; ++p)
    for (size_t g = p; g <= k; ++g)
      for (size_t c = p - 1; c < g; ++c) {
        if (best[p - 1][c] == kInf) continue;
        const int64_t worst = std::max(best[p - 1][c], prefix[g] - prefix[c]);
        if (worst < best[p][g]) best[p][g] = worst, cut[p][g] = c;
      }
  std::vector<size_t> first_group(s);
  for (size_t p = s, g = k; p > 0; --p) {
    first_group[p - 1] = cut[p][g];
    g = cut[p][g];
  }
  std::vector<std::pair<size_t, size_t>> bounds;
  for (size_t p = 0; p < s; ++p)
    bounds.emplace_back(p == 0 ? 0 : starts[first_group[p]],
                        p + 1 < s ? starts[first_group[p + 1]] : parameters.size());
  return bounds;
}

Pipeline::Pipeline(dist::Communicator& communicator, nn::Module& model, optim::Optimizer& optimizer,
                   PipelineOptions options)
    : comm_(communicator), model_(model), optimizer_(optimizer), options_(std::move(options)) {
  chain_ = model.as_chain();
  if (chain_.empty() || model.input_names().size() != 1)
    throw dist::JobError(
        "this model cannot be cut into pipeline stages: it is not one chain of layers (a model "
        "graph with branches, joins or several inputs); [distributed] mode = \"pipeline\" needs "
        "a stack of layers (or a graph that is one chain). Use mode = \"data\" for this model");
  if (options_.micro_batches < 1)
    throw dist::JobError(fmt::format("[distributed] micro_batches = {}: must be at least 1",
                                     options_.micro_batches));
  const int s = stages();
  std::vector<int64_t> counts;
  for (nn::Module* m : chain_) counts.push_back(m->parameter_count());
  if (options_.split_before.empty()) {
    bounds_ = balance_stages(counts, s);
  } else {
    const auto& split = options_.split_before;
    bool ordered = int(split.size()) == s - 1;
    for (size_t i = 0; ordered && i < split.size(); ++i)
      ordered = split[i] > (i == 0 ? 0 : split[i - 1]) && split[i] < int64_t(chain_.size());
    if (!ordered)
      throw dist::JobError(fmt::format(
          "[distributed] split_before = [{}] must name {} increasing layer indices from 1 to "
          "{} (where stages 2 to {} begin: the numbers in the parameter names, \"4.weight\"), "
          "one fewer than the {} ranks; or leave it out to balance the stages by parameter count",
          fmt::join(split, ", "), s - 1, chain_.size() - 1, s, s));
    for (int p = 0; p < s; ++p)
      bounds_.emplace_back(p == 0 ? 0 : size_t(split[size_t(p - 1)]),
                           p + 1 < s ? size_t(split[size_t(p)]) : chain_.size());
  }
  // Each stage's parameters are one range of the optimizer's flat buffer (modules in order).
  const Tensor& flat = optimizer_.flat_parameters();
  const auto* base = static_cast<const char*>(flat.raw_data());
  const int64_t element = int64_t(dtype_size(flat.dtype()));
  for (size_t p = 0; p < bounds_.size(); ++p) {
    int64_t begin = std::numeric_limits<int64_t>::max(), end = 0, total = 0;
    for (size_t i = bounds_[p].first; i < bounds_[p].second; ++i)
      for (const Tensor& t : chain_[i]->parameters()) {
        if (!t.same_storage(flat))
          throw std::logic_error("pipeline: a parameter outside the optimizer's flat buffer");
        const int64_t at = (static_cast<const char*>(t.raw_data()) - base) / element;
        begin = std::min(begin, at);
        end = std::max(end, at + t.numel());
        total += t.numel();
      }
    if (total == 0)
      throw dist::JobError(fmt::format(
          "pipeline stage {} (layers [{}, {}) of the model's {}) holds no parameters: every "
          "stage needs some; move [distributed] split_before (stages: {})",
          p + 1, bounds_[p].first, bounds_[p].second, chain_.size(), stage_list(bounds_)));
    if (end - begin != total)
      throw std::logic_error("pipeline: a stage's parameters are not one range of the flat buffer");
    flat_range_.emplace_back(begin, end);
  }
}

void Pipeline::check_fit(int64_t batch_size, bool graphs, bool regularization,
                         bool clip_norm) const {
  const int m = options_.micro_batches;
  if (m > batch_size || batch_size % m != 0)
    throw dist::JobError(fmt::format(
        "[distributed] micro_batches = {} {} training.batch_size = {}: each batch is cut into "
        "micro_batches equal parts; choose a divisor of the batch size (the epoch's last, "
        "shorter batch is cut as evenly as it allows)",
        m, m > batch_size ? "is larger than" : "does not divide", batch_size));
  if (graphs)
    throw dist::JobError(
        "graph data (message passing) cannot be pipelined: every graph layer needs the whole "
        "batch's graph; use [distributed] mode = \"data\"");
  if (regularization || clip_norm)
    throw dist::JobError(fmt::format(
        "the pipeline does not yet support {} (it needs every stage's weights at once); remove "
        "it or use [distributed] mode = \"data\"",
        regularization ? "training.regularization or a layer's kernel_regularizer"
                       : "training.gradient_clip_norm (gradient_clip_value works)"));
}

void Pipeline::send_tensor(const Tensor& t, int to, int tag, const std::string& what) {
  Tensor c = t.contiguous();
  std::vector<int64_t> header(kHeaderLength, 0);
  if (c.dim() > int64_t(kHeaderLength) - 2)
    throw std::invalid_argument(fmt::format("pipeline: {} has {} dimensions, at most {} are sent",
                                            what, c.dim(), kHeaderLength - 2));
  header[0] = int64_t(c.dtype());
  header[1] = c.dim();
  for (int64_t d = 0; d < c.dim(); ++d) header[size_t(2 + d)] = c.shape()[size_t(d)];
  headers_.push_back(std::move(header));
  sent_.push_back(c);
  comm_.send(headers_.back().data(), int64_t(kHeaderLength * sizeof(int64_t)), to, tag, what);
  comm_.send(c.raw_data(), c.numel() * int64_t(dtype_size(c.dtype())), to, tag, what);
}

Tensor Pipeline::receive_tensor(int from, int tag, const std::string& what) {
  std::vector<int64_t> header(kHeaderLength);
  comm_.recv(header.data(), int64_t(kHeaderLength * sizeof(int64_t)), from, tag, what);
  Shape shape(header.begin() + 2, header.begin() + 2 + header[1]);
  Tensor t = empty(shape, DType(header[0]));
  comm_.recv(t.raw_data(), t.numel() * int64_t(dtype_size(t.dtype())), from, tag, what);
  return t;
}

Pipeline::Result Pipeline::forward_backward(const Tensor& x, const Tensor& y, const LossFn& loss,
                                            int64_t step) {
  const auto t0 = Clock::now();
  double idle = 0;
  auto waited = [&](auto&& wait) {
    const auto w0 = Clock::now();
    wait();
    idle += seconds_since(w0);
  };
  optimizer_.zero_grad();
  const int64_t n = x.shape()[0];
  const int64_t m = std::min<int64_t>(options_.micro_batches, n);
  std::vector<int64_t> starts{0};  // torch.tensor_split's sizes: the first n % m one larger
  for (int64_t i = 0; i < m; ++i) starts.push_back(starts.back() + n / m + (i < n % m ? 1 : 0));
  const auto [first, end] = layers();
  const std::vector<nn::Module*> mine(chain_.begin() + int64_t(first),
                                      chain_.begin() + int64_t(end));
  const int s = stage();
  std::vector<Tensor> inputs(static_cast<size_t>(m)), outputs(inputs.size()), losses(inputs.size()),
      predictions;
  auto name = [&](const char* what, int64_t i) {
    return fmt::format("the {} of micro-batch {} of step {}", what, i + 1, step + 1);
  };

  // All forwards: each micro-batch through this stage, on to the next.
  for (int64_t i = 0; i < m; ++i) {
    Tensor in;
    if (s == 0) {
      in = slice(x, 0, starts[size_t(i)], starts[size_t(i + 1)]);
    } else {
      waited([&] { in = receive_tensor(s - 1, kActivationTag, name("activations", i)); });
      in.requires_grad_();
    }
    Tensor out = nn::forward_fused(mine, in);
    if (last_stage()) {
      losses[size_t(i)] = loss(out, slice(y, 0, starts[size_t(i)], starts[size_t(i + 1)]));
      predictions.push_back(out.detach());
    } else {
      send_tensor(out.detach(), s + 1, kActivationTag, name("activations", i));
    }
    inputs[size_t(i)] = in;
    outputs[size_t(i)] = out;
  }
  waited([&] {
    comm_.wait_sends(fmt::format("the sends of step {}'s activations to rank {}", step + 1, s + 1));
  });
  sent_.clear();
  headers_.clear();

  // All backwards, last micro-batch first; the gradients accumulate in the flat buffer.
  for (int64_t i = m - 1; i >= 0; --i) {
    const auto k = size_t(i);
    if (last_stage()) {
      const double share = double(starts[k + 1] - starts[k]) / double(n);
      losses[k].backward(scalar_tensor(share, losses[k].dtype()));
    } else {
      Tensor g;
      waited([&] { g = receive_tensor(s + 1, kGradientTag, name("gradients", i)); });
      if (outputs[k].requires_grad()) outputs[k].backward(g);
    }
    if (s > 0) {
      Tensor g = inputs[k].grad();
      send_tensor(g.defined() ? g : zeros_like(inputs[k]), s - 1, kGradientTag,
                  name("gradients", i));
    }
    outputs[k] = Tensor();  // the micro-batch's graph is done with
  }
  waited([&] {
    comm_.wait_sends(fmt::format("the sends of step {}'s gradients to rank {}", step + 1, s - 1));
  });
  sent_.clear();
  headers_.clear();
  times_.idle_s += idle;
  times_.compute_s += seconds_since(t0) - idle;
  ++times_.steps;

  Result r;
  if (last_stage()) {
    for (size_t k = 0; k < size_t(m); ++k)
      r.loss += losses[k].item() * double(starts[k + 1] - starts[k]) / double(n);
    r.prediction = predictions.size() == 1 ? predictions[0] : concat(predictions, 0);
  }
  return r;
}

void Pipeline::step_optimizer() {
  NoGradGuard no_grad;
  const auto [begin, end] = flat_range_.at(size_t(stage()));
  optimizer_.update(backend::FlatRange{begin, end});
  optimizer_.finish_step();
}

void Pipeline::share_stage(size_t p, int root) {
  const auto [begin, end] = flat_range_[p];
  const Tensor& flat = optimizer_.flat_parameters();
  const int64_t element = int64_t(dtype_size(flat.dtype()));
  comm_.broadcast(static_cast<char*>(flat.raw_data()) + begin * element, (end - begin) * element,
                  root, fmt::format("the broadcast of pipeline stage {}'s parameters", p + 1));
  for (size_t i = bounds_[p].first; i < bounds_[p].second; ++i) {
    for (const auto& [name, b] : chain_[i]->named_buffers()) {
      if (b.numel() == 0) continue;
      if (!b.is_contiguous())
        throw std::logic_error(fmt::format("pipeline: layer {}'s '{}' is not contiguous", i, name));
      comm_.broadcast(b.raw_data(), b.numel() * int64_t(dtype_size(b.dtype())), root,
                      fmt::format("the broadcast of layer {}'s '{}'", i, name));
    }
    std::vector<Generator*> dropouts;
    collect_dropouts(*chain_[i], dropouts);
    static_assert(std::is_trivially_copyable_v<Generator::State>);
    for (Generator* g : dropouts) {
      Generator::State state = g->state();
      comm_.broadcast(&state, int64_t(sizeof state), root,
                      fmt::format("the broadcast of layer {}'s dropout generator", i));
      g->set_state(state);
    }
  }
}

void Pipeline::synchronize() {
  if (stages() == 1) return;
  for (size_t p = 0; p < bounds_.size(); ++p) share_stage(p, int(p));
  // The optimizer's state buffers (momentum, moments) have the flat buffer's layout.
  auto state = optimizer_.state();
  for (auto& [key, t] : state) {
    if (key == "steps" || key == "lr") continue;
    const int64_t element = int64_t(dtype_size(t.dtype()));
    for (size_t p = 0; p < flat_range_.size(); ++p) {
      const auto [begin, end] = flat_range_[p];
      comm_.broadcast(
          static_cast<char*>(t.raw_data()) + begin * element, (end - begin) * element, int(p),
          fmt::format("the broadcast of pipeline stage {}'s optimizer '{}'", p + 1, key));
    }
  }
  optimizer_.load_state(state);
}

void Pipeline::broadcast_model() {
  if (stages() == 1) return;
  for (size_t p = 0; p < bounds_.size(); ++p) share_stage(p, 0);
  auto state = optimizer_.state();
  for (auto& [key, t] : state)
    if (key != "steps" && key != "lr")
      comm_.broadcast(t.raw_data(), t.numel() * int64_t(dtype_size(t.dtype())), 0,
                      fmt::format("the broadcast of rank 0's optimizer '{}'", key));
  optimizer_.load_state(state);
}

std::string describe_stages(const Pipeline& pipeline) {
  std::vector<std::string> parts;
  for (size_t p = 0; p < pipeline.stage_layers().size(); ++p) {
    const auto [begin, end] = pipeline.stage_layers()[p];
    const int64_t count = pipeline.stage_parameters(p);
    parts.push_back(fmt::format("stage {}: layer{} {}{} ({} parameters)", p + 1,
                                end - begin > 1 ? "s" : "", begin,
                                end - begin > 1 ? fmt::format("-{}", end - 1) : "", count));
  }
  return fmt::format("pipeline {}; {} micro-batches a batch", fmt::join(parts, ", "),
                     pipeline.options().micro_batches);
}

}  // namespace scidl::train
