#include "scidl/nn/batchnorm.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "scidl/ops/batch_norm.h"

namespace scidl::nn {

BatchNorm::BatchNorm(const char* kind, int64_t num_features, std::vector<int64_t> input_ranks,
                     BatchNormOptions o)
    : kind_(kind), num_features_(num_features), input_ranks_(std::move(input_ranks)), options_(o) {
  if (num_features <= 0)
    throw std::invalid_argument(
        fmt::format("{}: num_features must be positive, got {}", kind, num_features));
  if (!(o.momentum >= 0 && o.momentum <= 1))
    throw std::invalid_argument(
        fmt::format("{}: momentum must lie in [0, 1], got {}", kind, o.momentum));
  if (!(o.eps > 0))
    throw std::invalid_argument(fmt::format("{}: eps must be positive, got {}", kind, o.eps));
  if (!is_floating(o.dtype))
    throw std::invalid_argument(fmt::format("{}: dtype must be float32 or float64", kind));
  if (o.affine) {
    weight_ = register_parameter("weight", ones({num_features}, o.dtype));
    bias_ = register_parameter("bias", zeros({num_features}, o.dtype));
  }
  if (o.track_running_stats) {
    running_mean_ = register_buffer("running_mean", zeros({num_features}, o.dtype));
    running_var_ = register_buffer("running_var", ones({num_features}, o.dtype));
    batches_tracked_ = register_buffer("num_batches_tracked", zeros({}, DType::Int64));
  }
}

int64_t BatchNorm::num_batches_tracked() const {
  return batches_tracked_.defined() ? batches_tracked_.data<int64_t>()[0] : 0;
}

Tensor BatchNorm::forward(const Tensor& x) {
  if (std::find(input_ranks_.begin(), input_ranks_.end(), x.dim()) == input_ranks_.end() ||
      x.size(1) != num_features_)
    throw std::invalid_argument(fmt::format(
        "{}({}): expected an input of rank {} with {} channels in dim 1 ([N, C{}]), got {}", kind_,
        num_features_, fmt::join(input_ranks_, " or "), num_features_,
        input_ranks_.back() == 4 ? ", H, W" : " or N, C, L", x.str()));
  const bool use_batch_stats = is_training() || !options_.track_running_stats;
  const bool update = is_training() && options_.track_running_stats;
  if (update) batches_tracked_.data<int64_t>()[0] += 1;
  // Running statistics exist only when tracked: updated in training, read in evaluation.
  return batch_norm(x, weight_, bias_, running_mean_, running_var_, use_batch_stats,
                    options_.momentum, options_.eps);
}

std::string BatchNorm::describe() const {
  return fmt::format("{}({}, momentum={}, eps={}{})", kind_, num_features_, options_.momentum,
                     options_.eps, options_.affine ? "" : ", affine=false");
}

}  // namespace scidl::nn
