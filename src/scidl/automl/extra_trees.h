// Extremely randomised trees (Geurts, Ernst and Wehenkel 2006), as scikit-learn's
// ExtraTreesRegressor / ExtraTreesClassifier with bootstrap off: every tree sees all the rows;
// at each node it draws `max_features` of the features that are not constant there, one
// threshold per feature uniformly between the feature's smallest and largest value in the node,
// and keeps the split that lowers the squared error (regression) or the Gini impurity
// (classification) most. Nodes split until pure or smaller than `min_samples_split`. A leaf
// holds the mean target, or the class frequencies; the forest averages its trees.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace scidl::automl {

struct ExtraTreesOptions {
  int trees = 300;
  int max_features = 0;  // features drawn per split; 0: all (regression) or sqrt (classes)
  int min_samples_split = 2;
  uint64_t seed = 0;
};

class ExtraTrees {
 public:
  // outputs: 1 for regression (y the value), else the classes (y the class index).
  ExtraTrees() = default;
  ExtraTrees(int64_t features, int64_t outputs) : features_(features), outputs_(outputs) {}

  // Grows the trees on rows x [n, features] (row-major) and y [n]. Trees are grown in parallel
  // (each from its own seed, so the forest does not depend on the threads); `stop` is asked
  // between trees, and the forest keeps the trees grown before it said yes (at least one).
  void fit(const float* x, const double* y, int64_t n, const ExtraTreesOptions& options,
           const std::function<bool()>& stop = {});
  // [n, outputs] row-major: the mean over the trees.
  std::vector<double> predict(const float* x, int64_t n) const;

  int64_t trees() const { return static_cast<int64_t>(trees_.size()); }
  int64_t features() const { return features_; }
  int64_t outputs() const { return outputs_; }
  // A binary file (magic "SCIDLET1"); read() checks every count and index against the file,
  // naming the file and what is wrong.
  void write(const std::filesystem::path& file) const;
  static ExtraTrees read(const std::filesystem::path& file);
  static ExtraTrees parse(const std::string& bytes, const std::string& name);

  struct Tree {
    std::vector<int32_t> feature;  // per node; -1 at a leaf
    std::vector<float> threshold;  // go left when x[feature] <= threshold
    std::vector<int32_t> left, right;
    std::vector<float> value;  // per node, outputs values (leaves only are read)
  };

 private:
  int64_t features_ = 0, outputs_ = 1;
  std::vector<Tree> trees_;
};

}  // namespace scidl::automl
