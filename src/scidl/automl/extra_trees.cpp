#include "scidl/automl/extra_trees.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <fstream>
#include <numeric>
#include <stdexcept>

#include "scidl/automl/tree_file.h"
#include "scidl/io/file_io.h"
#include "scidl/tensor/random.h"

namespace scidl::automl {
namespace {

constexpr char kMagic[8] = {'S', 'C', 'I', 'D', 'L', 'E', 'T', '1'};

double uniform01(Generator& gen) { return double(gen.next_u64() >> 11) * 0x1.0p-53; }

// One tree's growth: rows of x [n, features], targets y; classification when outputs > 1 or
// `classes` (class counts per node), regression otherwise.
class Grower {
 public:
  Grower(const float* x, const double* y, int64_t n, int64_t features, int64_t outputs,
         bool classify, const ExtraTreesOptions& o, uint64_t seed)
      : x_(x),
        y_(y),
        n_(n),
        f_(features),
        outputs_(outputs),
        classify_(classify),
        o_(o),
        gen_(seed),
        left_counts_(size_t(outputs)),
        counts_(size_t(outputs)) {
    max_features_ = o.max_features > 0
                        ? std::min<int64_t>(o.max_features, f_)
                        : (classify ? std::max<int64_t>(1, int64_t(std::sqrt(double(f_)))) : f_);
    order_.resize(size_t(f_));
    std::iota(order_.begin(), order_.end(), 0);
  }

  ExtraTrees::Tree grow() {
    std::vector<int32_t> rows(static_cast<size_t>(n_));
    std::iota(rows.begin(), rows.end(), 0);
    struct Pending {
      int32_t node;
      int64_t begin, end;
    };
    std::vector<Pending> stack{{new_node(), 0, n_}};
    while (!stack.empty()) {
      const Pending p = stack.back();
      stack.pop_back();
      set_value(p.node, rows.data() + p.begin, p.end - p.begin);
      int32_t feature = -1;
      float threshold = 0;
      if (p.end - p.begin >= o_.min_samples_split && !pure(rows.data() + p.begin, p.end - p.begin))
        choose_split(rows.data() + p.begin, p.end - p.begin, feature, threshold);
      if (feature < 0) continue;  // a leaf
      const auto middle =
          std::partition(rows.begin() + p.begin, rows.begin() + p.end,
                         [&](int32_t r) { return x_[int64_t(r) * f_ + feature] <= threshold; });
      const int64_t cut = middle - rows.begin();
      const int32_t l = new_node(), r = new_node();
      tree_.feature[size_t(p.node)] = feature;
      tree_.threshold[size_t(p.node)] = threshold;
      tree_.left[size_t(p.node)] = l;
      tree_.right[size_t(p.node)] = r;
      stack.push_back({r, cut, p.end});
      stack.push_back({l, p.begin, cut});
    }
    return std::move(tree_);
  }

 private:
  int32_t new_node() {
    tree_.feature.push_back(-1);
    tree_.threshold.push_back(0);
    tree_.left.push_back(-1);
    tree_.right.push_back(-1);
    tree_.value.resize(tree_.value.size() + size_t(outputs_));
    return int32_t(tree_.feature.size() - 1);
  }

  void set_value(int32_t node, const int32_t* rows, int64_t m) {
    float* v = tree_.value.data() + size_t(node) * size_t(outputs_);
    if (classify_) {
      std::fill(counts_.begin(), counts_.end(), 0.0);
      for (int64_t i = 0; i < m; ++i) counts_[size_t(y_[rows[i]])] += 1;
      for (int64_t c = 0; c < outputs_; ++c) v[c] = float(counts_[size_t(c)] / double(m));
    } else {
      double sum = 0;
      for (int64_t i = 0; i < m; ++i) sum += y_[rows[i]];
      v[0] = float(sum / double(m));
    }
  }

  bool pure(const int32_t* rows, int64_t m) const {
    for (int64_t i = 1; i < m; ++i)
      if (y_[rows[i]] != y_[rows[0]]) return false;
    return true;
  }

  // The best of up to max_features random splits on features that vary here; feature stays -1
  // when every feature is constant in the node.
  void choose_split(const int32_t* rows, int64_t m, int32_t& feature, float& threshold) {
    double best = -1;
    int64_t tried = 0;
    for (int64_t k = 0; k < f_ && tried < max_features_; ++k) {
      // A random permutation, drawn as it is used (Fisher-Yates).
      std::swap(order_[size_t(k)], order_[size_t(k + int64_t(gen_.next_u64() % uint64_t(f_ - k)))]);
      const int64_t f = order_[size_t(k)];
      float lo = x_[int64_t(rows[0]) * f_ + f], hi = lo;
      for (int64_t i = 1; i < m; ++i) {
        const float v = x_[int64_t(rows[i]) * f_ + f];
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      if (!(hi > lo)) continue;  // constant here: drawn, but not counted
      ++tried;
      float t = float(double(lo) + uniform01(gen_) * (double(hi) - double(lo)));
      if (t >= hi) t = lo;  // rounding up to hi would leave the right side empty
      const double s = split_score(rows, m, f, t);
      if (s > best) {
        best = s;
        feature = int32_t(f);
        threshold = t;
      }
    }
  }

  // What the split keeps, higher the better: sum_L^2 / n_L + sum_R^2 / n_R (the squared error
  // it removes, up to a constant), or the same over the class counts (Gini).
  double split_score(const int32_t* rows, int64_t m, int64_t f, float t) {
    int64_t nl = 0;
    if (classify_) {
      std::fill(left_counts_.begin(), left_counts_.end(), 0.0);
      std::fill(counts_.begin(), counts_.end(), 0.0);
      for (int64_t i = 0; i < m; ++i) {
        const auto c = size_t(y_[rows[i]]);
        counts_[c] += 1;
        if (x_[int64_t(rows[i]) * f_ + f] <= t) left_counts_[c] += 1, ++nl;
      }
      double l = 0, r = 0;
      for (int64_t c = 0; c < outputs_; ++c) {
        l += left_counts_[size_t(c)] * left_counts_[size_t(c)];
        const double rc = counts_[size_t(c)] - left_counts_[size_t(c)];
        r += rc * rc;
      }
      return l / double(nl) + r / double(m - nl);
    }
    double sl = 0, sr = 0;
    for (int64_t i = 0; i < m; ++i) {
      const double v = y_[rows[i]];
      if (x_[int64_t(rows[i]) * f_ + f] <= t)
        sl += v, ++nl;
      else
        sr += v;
    }
    return sl * sl / double(nl) + sr * sr / double(m - nl);
  }

  const float* x_;
  const double* y_;
  int64_t n_, f_, outputs_;
  bool classify_;
  const ExtraTreesOptions& o_;
  Generator gen_;
  int64_t max_features_ = 1;
  std::vector<int64_t> order_;
  std::vector<double> left_counts_, counts_;
  ExtraTrees::Tree tree_;
};

}  // namespace

void ExtraTrees::fit(const float* x, const double* y, int64_t n, const ExtraTreesOptions& options,
                     const std::function<bool()>& stop) {
  if (n < 1 || features_ < 1 || outputs_ < 1 || options.trees < 1)
    throw std::invalid_argument(
        fmt::format("extra trees: {} rows, {} features, {} trees: need at least one of each", n,
                    features_, options.trees));
  const bool classify = outputs_ > 1;
  std::vector<Tree> grown(size_t(options.trees));
  std::vector<char> done(size_t(options.trees), 0);
  std::atomic<bool> stopped{false};
#pragma omp parallel for schedule(dynamic, 1)
  for (int t = 0; t < options.trees; ++t) {
    // The first tree always grows: a forest of none predicts nothing.
    if (t > 0 && (stopped.load() || (stop && stop()))) {
      stopped = true;
      continue;
    }
    Grower g(x, y, n, features_, outputs_, classify, options,
             options.seed * 0x9E3779B97F4A7C15ull + uint64_t(t));
    grown[size_t(t)] = g.grow();
    done[size_t(t)] = 1;
  }
  trees_.clear();
  for (int t = 0; t < options.trees && done[size_t(t)]; ++t)
    trees_.push_back(std::move(grown[size_t(t)]));
}

std::vector<double> ExtraTrees::predict(const float* x, int64_t n) const {
  std::vector<double> out(size_t(n * outputs_), 0.0);
  const double scale = trees_.empty() ? 0.0 : 1.0 / double(trees_.size());
#pragma omp parallel for schedule(static) if (n * int64_t(trees_.size()) > 100000)
  for (int64_t r = 0; r < n; ++r) {
    double* o = out.data() + r * outputs_;
    for (const Tree& tree : trees_) {
      int32_t node = 0;
      while (tree.feature[size_t(node)] >= 0)
        node = x[r * features_ + tree.feature[size_t(node)]] <= tree.threshold[size_t(node)]
                   ? tree.left[size_t(node)]
                   : tree.right[size_t(node)];
      const float* v = tree.value.data() + size_t(node) * size_t(outputs_);
      for (int64_t c = 0; c < outputs_; ++c) o[c] += v[c];
    }
    for (int64_t c = 0; c < outputs_; ++c) o[c] *= scale;
  }
  return out;
}

void ExtraTrees::write(const std::filesystem::path& file) const {
  std::string out(kMagic, sizeof kMagic);
  const int64_t header[3] = {features_, outputs_, int64_t(trees_.size())};
  put_raw(out, header, 3);
  for (const Tree& t : trees_) {
    const int64_t nodes = int64_t(t.feature.size());
    put_raw(out, &nodes, 1);
    put_raw(out, t.feature.data(), t.feature.size());
    put_raw(out, t.threshold.data(), t.threshold.size());
    put_raw(out, t.left.data(), t.left.size());
    put_raw(out, t.right.data(), t.right.size());
    put_raw(out, t.value.data(), t.value.size());
  }
  io::write_file_atomically(file, out);
}

ExtraTrees ExtraTrees::read(const std::filesystem::path& file) {
  const std::vector<char> bytes = io::read_file_bytes(file);
  return parse(std::string(bytes.begin(), bytes.end()), file.string());
}

ExtraTrees ExtraTrees::parse(const std::string& bytes, const std::string& name) {
  RawReader in(bytes, name, "extra-trees model");
  auto bad = [&](const std::string& what) { return in.bad(what); };
  auto take = [&](void* into, size_t size, const char* what) { in.take(into, size, what); };
  in.expect_magic(kMagic);
  int64_t header[3];
  take(header, sizeof header, "the header");
  const auto [features, outputs, trees] = header;
  if (features < 1 || features > (int64_t{1} << 24) || outputs < 1 || outputs > 100000 ||
      trees < 1 || trees > 100000)
    throw bad(fmt::format("{} features, {} outputs, {} trees", features, outputs, trees));
  ExtraTrees forest(features, outputs);
  for (int64_t k = 0; k < trees; ++k) {
    int64_t nodes = 0;
    take(&nodes, sizeof nodes, "a tree's node count");
    const size_t per_node = 16 + 4 * size_t(outputs);
    if (nodes < 1 || size_t(nodes) > in.left() / per_node)
      throw bad(
          fmt::format("tree {} claims {} nodes; {} bytes are left for them", k, nodes, in.left()));
    Tree t;
    t.feature.resize(size_t(nodes));
    t.threshold.resize(size_t(nodes));
    t.left.resize(size_t(nodes));
    t.right.resize(size_t(nodes));
    t.value.resize(size_t(nodes * outputs));
    take(t.feature.data(), 4 * size_t(nodes), "a tree");
    take(t.threshold.data(), 4 * size_t(nodes), "a tree");
    take(t.left.data(), 4 * size_t(nodes), "a tree");
    take(t.right.data(), 4 * size_t(nodes), "a tree");
    take(t.value.data(), 4 * t.value.size(), "a tree");
    // Children come after their parent (as grown), so every walk from the root ends at a leaf.
    for (int64_t i = 0; i < nodes; ++i) {
      const int32_t f = t.feature[size_t(i)], l = t.left[size_t(i)], r = t.right[size_t(i)];
      if (f < -1 || f >= features || (f >= 0 && (l <= i || l >= nodes || r <= i || r >= nodes)))
        throw bad(fmt::format("tree {} node {}: feature {}, children {} and {}", k, i, f, l, r));
    }
    forest.trees_.push_back(std::move(t));
  }
  in.expect_end();
  return forest;
}

}  // namespace scidl::automl
