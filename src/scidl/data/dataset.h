// An in-memory dataset of row-aligned tensors: inputs x [N, ...], targets y [N, ...] and an
// optional int64 group id per row (a trajectory or run id) so validation can hold out whole
// groups. A model of several inputs reads x and further named inputs (`inputs`, each [N, ...]).
// Batches are sets of named tensors ("x", the named inputs, "y") gathered in one pass: rows and
// images are collated by taking the same rows of every tensor.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scidl/data/graph_set.h"
#include "scidl/tensor/random.h"
#include "scidl/tensor/tensor.h"
#include "scidl/tensor/tensor_dict.h"

namespace scidl::data {

struct Dataset {
  Tensor x;
  Tensor y;
  Tensor groups;      // int64 [N] or undefined
  TensorDict inputs;  // further model inputs by name, row-aligned with x ("x" and "y" are taken)
  // A dataset of graphs: x holds graph ids (int64 [G]) into this set, and a batch is the
  // chosen graphs collated (data/graph_set.h).
  std::shared_ptr<const GraphSet> graphs;
  std::vector<std::string> x_names, y_names;
  // When y holds class indices read from labels: the name of each class (a table's "setosa").
  std::vector<std::string> class_names;
  // Applied to the inputs of every batch BatchIterator hands out (on-the-fly augmentation, e.g.
  // data::Augmenter). Set it on the training split only; subset() does not copy it.
  std::function<Tensor(const Tensor&)> augment;
  int64_t size() const { return x.defined() ? x.shape()[0] : 0; }
  Dataset subset(const Tensor& rows) const;      // rows: int64 [k]
  void validate(const std::string& what) const;  // throws if x/y/groups disagree on N
};

struct Split {
  Dataset train, validation;
};

// A random `fraction` of the rows (seeded) becomes validation.
Split split_by_row(const Dataset& d, double fraction, uint64_t seed);
// A random `fraction` of the groups (at least one) becomes validation, whole groups only.
Split split_by_group(const Dataset& d, double fraction, uint64_t seed);

// Walks a dataset in batches of `batch_size` (the last may be smaller), reshuffled on each
// reset when `shuffle`. The order depends only on the generator's state.
class BatchIterator {
 public:
  BatchIterator(const Dataset& d, int64_t batch_size, bool shuffle, Generator& gen);
  void reset();  // start a new epoch
  bool next(Tensor& x, Tensor& y);
  // The next batch as named tensors: "x", every named input, and "y" when the data has targets.
  bool next(TensorDict& batch);
  int64_t batches_per_epoch() const;
  int64_t position() const { return pos_; }
  void seek(int64_t row) { pos_ = row; }  // resume mid-epoch

 private:
  Tensor rows_of(const Tensor& t, int64_t end) const;
  const Dataset& d_;
  int64_t batch_;
  bool shuffle_;
  Generator& gen_;
  Tensor order_;
  int64_t pos_ = 0;
};

}  // namespace scidl::data
