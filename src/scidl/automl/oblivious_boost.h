// Gradient boosting of oblivious (symmetric) trees, the trees CatBoost grows by default
// (Prokhorenkova et al. 2018): every level of a tree splits all its nodes on the same feature and
// border, so a tree of depth d is d comparisons and 2^d leaves. As CatBoost's plain boosting:
// features are quantised once to at most `borders` borders; each round draws Bayesian-bootstrap
// weights (w = (-log u)^bagging_temperature); each level takes the split with the best Cosine
// score, CatBoost's default (with the leaves' values a = G / (W + l2), W the rows' weights,
// summed over leaves and outputs, sum(a G) / sqrt(sum(a^2 W)): how well the split's values line
// up with the gradients),
// plus Gaussian noise whose spread is random_strength times the gradients' RMS, fading as the
// model grows (CatBoost's random_strength); leaves take a Newton step shrunk by l2 and the
// learning rate. Regression boosts squared error; two classes boost the log-odds of class 1
// (CatBoost's Logloss); more classes boost softmax cross-entropy with one value per class and
// leaf (diagonal Newton steps). The rounds stop early on validation rows (RMSE, or log-loss) and
// keep the best.
#pragma once
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace scidl::automl {

struct ObliviousBoostOptions {
  int depth = 6;
  double learning_rate = 0.05;
  double l2 = 3.0;  // CatBoost's l2_leaf_reg
  int borders = 254;
  double random_strength = 1.0;
  double bagging_temperature = 1.0;  // 0: every row weighs 1
  int rounds = 10000;
  // Rounds without a validation loss better by 1e-4 of the first round's before stopping.
  int patience = 300;
  uint64_t seed = 0;
};

class ObliviousBoost {
 public:
  // outputs: 1 for regression (y the value), else the classes (y the class index).
  ObliviousBoost() = default;
  ObliviousBoost(int64_t features, int64_t outputs) : features_(features), outputs_(outputs) {}

  struct Fitted {
    int rounds_grown = 0, best_rounds = 0;
    bool stopped = false;  // `stop` said yes before the rounds ran out or stopped early
  };
  // Boosts on rows x [n, features] (row-major) and y [n], stopping early on xv [nv, features]
  // and yv (nv = 0: every round is kept). `stop` is asked after each round; the model keeps the
  // best rounds grown by then. Throws std::invalid_argument for options out of range.
  Fitted fit(const float* x, const double* y, int64_t n, const float* xv, const double* yv,
             int64_t nv, const ObliviousBoostOptions& options,
             const std::function<bool()>& stop = {});
  // [n, outputs] row-major: the value, or the class probabilities.
  std::vector<double> predict(const float* x, int64_t n) const;

  int64_t trees() const { return static_cast<int64_t>(trees_.size()); }
  int64_t features() const { return features_; }
  int64_t outputs() const { return outputs_; }
  // A binary file (magic "SCIDLOB1"); read() checks every count and index against the file,
  // naming the file and what is wrong.
  void write(const std::filesystem::path& file) const;
  static ObliviousBoost read(const std::filesystem::path& file);
  static ObliviousBoost parse(const std::string& bytes, const std::string& name);

  struct Tree {
    std::vector<int32_t> feature;  // per level
    std::vector<float> threshold;  // per level: the right side has x[feature] > threshold
    std::vector<double> value;     // [2^levels, k] (k = 1 for two classes); sides read as bits
  };

 private:
  int64_t features_ = 0, outputs_ = 1;
  std::vector<double> base_;  // the mean, the log-odds, or the log of the class frequencies
  std::vector<Tree> trees_;
};

}  // namespace scidl::automl
