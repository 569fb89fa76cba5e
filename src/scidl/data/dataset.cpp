#include "scidl/data/dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "scidl/ops/indexing.h"
#include "scidl/ops/random_ops.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::data {

Dataset Dataset::subset(const Tensor& rows) const {
  Dataset s;
  s.x = index_select(x, 0, rows);
  if (y.defined()) s.y = index_select(y, 0, rows);
  if (groups.defined()) s.groups = index_select(groups, 0, rows);
  for (const auto& [name, t] : inputs) s.inputs.set(name, index_select(t, 0, rows));
  s.x_names = x_names;
  s.y_names = y_names;
  s.class_names = class_names;
  s.graphs = graphs;
  return s;
}

void Dataset::validate(const std::string& what) const {
  if (!x.defined() || x.dim() < 1) throw std::invalid_argument(what + ": no inputs");
  if (y.defined() && y.shape()[0] != x.shape()[0])
    throw std::invalid_argument(
        fmt::format("{}: {} input rows but {} target rows", what, x.shape()[0], y.shape()[0]));
  if (groups.defined() && groups.numel() != x.shape()[0])
    throw std::invalid_argument(
        fmt::format("{}: {} input rows but {} group ids", what, x.shape()[0], groups.numel()));
  for (const auto& [name, t] : inputs) {
    if (name == "x" || name == "y")
      throw std::invalid_argument(fmt::format(
          "{}: a further input may not be called '{}' (the data's x and y have that name)", what,
          name));
    if (!t.defined() || t.dim() < 1 || t.shape()[0] != x.shape()[0])
      throw std::invalid_argument(fmt::format("{}: {} rows of x but input '{}' has shape {}", what,
                                              x.shape()[0], name,
                                              t.defined() ? shape_str(t.shape()) : "none"));
  }
}

namespace {
Split split_rows(const Dataset& d, const std::vector<int64_t>& train,
                 const std::vector<int64_t>& val) {
  auto idx = [](const std::vector<int64_t>& v) {
    return from_vector(v, {static_cast<int64_t>(v.size())});
  };
  return {d.subset(idx(train)), d.subset(idx(val))};
}
}  // namespace

Split split_by_row(const Dataset& d, double fraction, uint64_t seed) {
  if (fraction <= 0 || fraction >= 1)
    throw std::invalid_argument(
        fmt::format("validation fraction must be in (0, 1), got {}", fraction));
  Generator gen(seed);
  auto perm = randperm(d.size(), gen).to_vector<int64_t>();
  int64_t nval = std::max<int64_t>(1, static_cast<int64_t>(fraction * d.size() + 0.5));
  std::vector<int64_t> val(perm.begin(), perm.begin() + nval),
      train(perm.begin() + nval, perm.end());
  std::sort(val.begin(), val.end());
  std::sort(train.begin(), train.end());
  return split_rows(d, train, val);
}

Split split_by_group(const Dataset& d, double fraction, uint64_t seed) {
  if (!d.groups.defined())
    throw std::invalid_argument("split by group: the dataset has no group column");
  if (fraction <= 0 || fraction >= 1)
    throw std::invalid_argument(
        fmt::format("validation fraction must be in (0, 1), got {}", fraction));
  auto g = d.groups.to_vector<int64_t>();
  std::vector<int64_t> ids = g;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() < 2)
    throw std::invalid_argument("split by group: need at least two groups, found " +
                                std::to_string(ids.size()));
  Generator gen(seed);
  auto perm = randperm(static_cast<int64_t>(ids.size()), gen).to_vector<int64_t>();
  int64_t nval = std::clamp<int64_t>(static_cast<int64_t>(fraction * ids.size() + 0.5), 1,
                                     static_cast<int64_t>(ids.size()) - 1);
  std::map<int64_t, bool> is_val;
  for (int64_t i = 0; i < static_cast<int64_t>(ids.size()); ++i) is_val[ids[perm[i]]] = i < nval;
  std::vector<int64_t> train, val;
  for (int64_t r = 0; r < static_cast<int64_t>(g.size()); ++r)
    (is_val[g[r]] ? val : train).push_back(r);
  return split_rows(d, train, val);
}

BatchIterator::BatchIterator(const Dataset& d, int64_t batch_size, bool shuffle, Generator& gen)
    : d_(d), batch_(batch_size), shuffle_(shuffle), gen_(gen) {
  if (batch_size < 1) throw std::invalid_argument("batch size must be at least 1");
  reset();
}

void BatchIterator::reset() {
  pos_ = 0;
  if (shuffle_) order_ = randperm(d_.size(), gen_);
}

int64_t BatchIterator::batches_per_epoch() const { return (d_.size() + batch_ - 1) / batch_; }

Tensor BatchIterator::rows_of(const Tensor& t, int64_t end) const {
  return shuffle_ ? index_select(t, 0, slice(order_, 0, pos_, end)) : slice(t, 0, pos_, end);
}

bool BatchIterator::next(TensorDict& batch) {
  if (pos_ >= d_.size()) return false;
  const int64_t end = std::min(d_.size(), pos_ + batch_);
  batch = TensorDict();
  for (const auto& [name, t] : d_.inputs) batch.set(name, rows_of(t, end));
  Tensor x, y;
  next(x, y);       // the same rows; moves pos_
  if (d_.graphs) {  // x holds graph ids: the batch is those graphs, collated
    for (const auto& [name, t] : d_.graphs->collate(x)) batch.set(name, t);
  } else {
    batch.set("x", x);
  }
  if (y.defined()) batch.set("y", y);
  return true;
}

bool BatchIterator::next(Tensor& x, Tensor& y) {
  if (pos_ >= d_.size()) return false;
  int64_t end = std::min(d_.size(), pos_ + batch_);
  if (shuffle_) {
    Tensor rows = slice(order_, 0, pos_, end);
    x = index_select(d_.x, 0, rows);
    y = d_.y.defined() ? index_select(d_.y, 0, rows) : Tensor();
  } else {
    x = slice(d_.x, 0, pos_, end);
    y = d_.y.defined() ? slice(d_.y, 0, pos_, end) : Tensor();
  }
  if (d_.augment) x = d_.augment(x);
  pos_ = end;
  return true;
}

}  // namespace scidl::data
