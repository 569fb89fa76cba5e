#include "scidl/automl/oblivious_boost.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "scidl/automl/eval_metric.h"
#include "scidl/automl/tree_file.h"
#include "scidl/io/file_io.h"
#include "scidl/tensor/random.h"

namespace scidl::automl {
namespace {

constexpr char kMagic[8] = {'S', 'C', 'I', 'D', 'L', 'O', 'B', '1'};
constexpr int64_t kMaxDepth = 16;

uint64_t mix(uint64_t z) {  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A nearly standard normal draw keyed by a hash (the sum of four 16-bit uniforms, centred and
// scaled to unit variance): cheap enough for every candidate split of every level, and the same
// whichever thread scores the candidate.
double hashed_normal(uint64_t key) {
  const uint64_t h = mix(key);
  double s = 0;
  for (int i = 0; i < 4; ++i) s += double((h >> (16 * i)) & 0xFFFF) * (1.0 / 65536.0);
  return (s - 2.0) * std::sqrt(3.0);
}

// At most `count` borders of one feature's training values: the midpoints between neighbouring
// distinct values, or, when there are more, those above the values at `count` evenly spaced ranks.
std::vector<float> choose_borders(std::vector<float> v, int count) {
  v.erase(std::remove_if(v.begin(), v.end(), [](float a) { return std::isnan(a); }), v.end());
  std::sort(v.begin(), v.end());
  std::vector<float> distinct(v);
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<float> borders;
  auto midpoint_above = [&](float a) {
    const auto next = std::upper_bound(distinct.begin(), distinct.end(), a);
    if (next != distinct.end()) borders.push_back(float((double(a) + double(*next)) / 2));
  };
  if (distinct.size() <= size_t(count) + 1) {
    for (size_t i = 0; i + 1 < distinct.size(); ++i) midpoint_above(distinct[i]);
  } else {
    for (int q = 1; q <= count; ++q)
      midpoint_above(v[size_t(q) * (v.size() - 1) / size_t(count + 1)]);
  }
  std::sort(borders.begin(), borders.end());
  borders.erase(std::unique(borders.begin(), borders.end()), borders.end());
  return borders;
}

// Column-major bin indices: how many of the feature's borders lie below each row's value.
std::vector<std::vector<uint8_t>> to_bins(const float* x, int64_t n, int64_t features,
                                          const std::vector<std::vector<float>>& borders) {
  std::vector<std::vector<uint8_t>> bins(static_cast<size_t>(features),
                                         std::vector<uint8_t>(static_cast<size_t>(n)));
  for (int64_t j = 0; j < features; ++j) {
    const auto& b = borders[size_t(j)];
    for (int64_t i = 0; i < n; ++i)
      bins[size_t(j)][size_t(i)] =
          uint8_t(std::lower_bound(b.begin(), b.end(), x[i * features + j]) - b.begin());
  }
  return bins;
}

// The leaf of each row under `tree`, from the rows' bins.
void leaves_of(const ObliviousBoost::Tree& tree, const std::vector<int32_t>& border_index,
               const std::vector<std::vector<uint8_t>>& bins, std::vector<int32_t>& leaf) {
  std::fill(leaf.begin(), leaf.end(), 0);
  for (size_t d = 0; d < tree.feature.size(); ++d) {
    const auto& b = bins[size_t(tree.feature[d])];
    for (size_t i = 0; i < leaf.size(); ++i) leaf[i] = 2 * leaf[i] + (b[i] > border_index[d]);
  }
}

// Raw scores per row: the value (1 output), the log-odds of class 1 (2 classes, as CatBoost's
// Logloss), or one per class.
int64_t scores_per_row(int64_t outputs) { return outputs == 2 ? 1 : outputs; }

// A row's raw scores z as its outputs: the value, or the class probabilities.
void to_outputs(const double* z, int64_t outputs, double* out) {
  if (outputs == 1) {
    out[0] = z[0];
  } else if (outputs == 2) {
    out[1] = 1 / (1 + std::exp(-z[0]));
    out[0] = 1 - out[1];
  } else {
    const double top = *std::max_element(z, z + outputs);
    double sum = 0;
    for (int64_t c = 0; c < outputs; ++c) sum += out[c] = std::exp(z[c] - top);
    for (int64_t c = 0; c < outputs; ++c) out[c] /= sum;
  }
}

// The validation loss of raw scores f, as eval_metric.h scores it: RMSE, or the log-loss. `p`
// is room for the outputs, reused from round to round.
double loss(const std::vector<double>& f, const std::vector<double>& y, int64_t outputs,
            Predictions& p) {
  const int64_t k = scores_per_row(outputs);
  p.rows = int64_t(y.size());
  p.cols = outputs;
  p.values.resize(size_t(p.rows * outputs));
  for (int64_t i = 0; i < p.rows; ++i)
    to_outputs(&f[size_t(i * k)], outputs, &p.values[size_t(i * outputs)]);
  return metric_value(outputs == 1 ? "rmse" : "log_loss", p, y);
}

// One round's rows as the split search reads them.
struct RoundRows {
  const std::vector<double>& gh;      // per row and score: g, h
  const std::vector<double>& weight;  // this round's bootstrap weights
  const std::vector<int32_t>& leaf;   // each row's leaf in the tree so far
  int64_t k = 1;                      // scores per row
};

// The Cosine score's numerator and denominator of each of a feature's `nb` borders (score[2 b],
// score[2 b + 1]; one more pair of room), summed over the tree's `leaves`. `leaf_totals` holds
// each leaf's (w g, w) sums; `hist` is room for [leaf, bin, score, (w g, w)].
void score_borders(const RoundRows& rows, const std::vector<uint8_t>& bins, int64_t nb,
                   int64_t leaves, const std::vector<double>& leaf_totals, double l2,
                   std::vector<double>& hist, std::vector<double>& score) {
  const int64_t k = rows.k, cells = nb + 1, n = int64_t(bins.size());
  std::fill_n(hist.begin(), leaves * cells * 2 * k, 0.0);
  std::fill(score.begin(), score.end(), 0.0);
  for (int64_t i = 0; i < n; ++i) {
    double* h = &hist[size_t((rows.leaf[size_t(i)] * cells + bins[size_t(i)]) * 2 * k)];
    const double* src = &rows.gh[size_t(i * 2 * k)];
    const double w = rows.weight[size_t(i)];
    for (int64_t c = 0; c < k; ++c) h[2 * c] += w * src[2 * c], h[2 * c + 1] += w;
  }
  // A leaf's terms change only at borders after a cell that has rows: they are added to `score`
  // as differences over runs of borders, summed once afterwards (the deep levels' cells are
  // mostly empty).
  std::vector<double> total(static_cast<size_t>(2 * k)), left(static_cast<size_t>(2 * k));
  auto add_run = [&](int64_t from, int64_t to) {  // borders [from, to) at the current left
    double num = 0, den = 0;
    for (int64_t c = 0; c < k; ++c) {
      const double gl = left[size_t(2 * c)], wl = left[size_t(2 * c + 1)];
      const double gr = total[size_t(2 * c)] - gl, wr = total[size_t(2 * c + 1)] - wl;
      const double al = wl + l2 > 0 ? gl / (wl + l2) : 0.0;
      const double ar = wr + l2 > 0 ? gr / (wr + l2) : 0.0;
      num += al * gl + ar * gr;
      den += al * al * wl + ar * ar * wr;
    }
    score[size_t(2 * from)] += num, score[size_t(2 * from + 1)] += den;
    score[size_t(2 * to)] -= num, score[size_t(2 * to + 1)] -= den;
  };
  for (int64_t l = 0; l < leaves; ++l) {
    const double* h = &hist[size_t(l * cells * 2 * k)];
    std::copy_n(leaf_totals.begin() + l * 2 * k, 2 * k, total.begin());
    std::fill(left.begin(), left.end(), 0.0);
    int64_t run = 0;
    for (int64_t border = 0; border < nb; ++border) {
      const double* cell = &h[border * 2 * k];
      if (cell[1] == 0) continue;  // no rows: the same split of this leaf as before
      if (border > run) add_run(run, border);
      for (int64_t c = 0; c < 2 * k; ++c) left[size_t(c)] += cell[c];
      run = border;
    }
    add_run(run, nb);
  }
  for (int64_t border = 1; border < nb; ++border)
    for (int64_t c = 0; c < 2; ++c)
      score[size_t(2 * border + c)] += score[size_t(2 * border - 2 + c)];
}

// The gradient and Hessian of the loss at the raw scores f, per row and score, into gh; returns
// the gradients' RMS (over rows, the scale of the split noise).
double gradients(const std::vector<double>& f, const double* y, int64_t n, int64_t outputs,
                 std::vector<double>& gh) {
  const int64_t k = scores_per_row(outputs);
  const bool classify = outputs > 1;
  std::vector<double> p(static_cast<size_t>(outputs));
  double g2_sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    to_outputs(&f[size_t(i * k)], outputs, p.data());
    for (int64_t c = 0; c < k; ++c) {
      // For two classes the one score is class 1's log-odds: its p is p[1].
      const int64_t cls = k == 1 && classify ? 1 : c;
      const double g = classify ? p[size_t(cls)] - double(cls == int64_t(y[i])) : p[0] - y[i];
      const double h = classify ? std::max(p[size_t(cls)] * (1 - p[size_t(cls)]), 1e-16) : 1.0;
      gh[size_t((i * k + c) * 2)] = g;
      gh[size_t((i * k + c) * 2 + 1)] = h;
      g2_sum += g * g;
    }
  }
  return std::sqrt(g2_sum / double(n));
}

// The leaves of `tree` (its levels chosen, rows.leaf each row's leaf): a Newton step per score,
// -learning_rate G / (H + l2), from every row unweighted.
void set_leaf_values(const RoundRows& rows, const ObliviousBoostOptions& o,
                     ObliviousBoost::Tree& tree) {
  const int64_t k = rows.k, leaves = int64_t{1} << tree.feature.size();
  std::vector<double> sums(static_cast<size_t>(leaves * 2 * k), 0.0);
  for (size_t i = 0; i < rows.leaf.size(); ++i)
    for (int64_t c = 0; c < 2 * k; ++c)
      sums[size_t(rows.leaf[i] * 2 * k + c)] += rows.gh[i * size_t(2 * k) + size_t(c)];
  tree.value.resize(size_t(leaves * k));
  for (int64_t l = 0; l < leaves; ++l)
    for (int64_t c = 0; c < k; ++c) {
      const double g = sums[size_t((l * k + c) * 2)], h = sums[size_t((l * k + c) * 2 + 1)];
      tree.value[size_t(l * k + c)] = h + o.l2 > 0 ? -o.learning_rate * g / (h + o.l2) : 0.0;
    }
}

}  // namespace

ObliviousBoost::Fitted ObliviousBoost::fit(const float* x, const double* y, int64_t n,
                                           const float* xv, const double* yv, int64_t nv,
                                           const ObliviousBoostOptions& o,
                                           const std::function<bool()>& stop) {
  if (n < 1 || features_ < 1 || outputs_ < 1)
    throw std::invalid_argument(fmt::format(
        "oblivious boosting: {} rows, {} features: need at least one of each", n, features_));
  if (o.depth < 1 || o.depth > kMaxDepth || o.borders < 1 || o.borders > 255 ||
      !(o.learning_rate > 0) || !(o.l2 >= 0) || !(o.random_strength >= 0) ||
      !(o.bagging_temperature >= 0) || o.rounds < 1 || o.patience < 1)
    throw std::invalid_argument(fmt::format(
        "oblivious boosting: depth {} (1-{}), borders {} (1-255), learning rate {} (> 0), l2 {}, "
        "random strength {}, bagging temperature {} (>= 0), rounds {}, patience {} (>= 1)",
        o.depth, kMaxDepth, o.borders, o.learning_rate, o.l2, o.random_strength,
        o.bagging_temperature, o.rounds, o.patience));
  const int64_t k = scores_per_row(outputs_), f_count = features_;
  const bool classify = outputs_ > 1;
  for (int64_t i = 0; i < n; ++i)
    if (classify && !(y[i] >= 0 && y[i] < double(outputs_)))
      throw std::invalid_argument(fmt::format("oblivious boosting: class {} of row {}", y[i], i));

  std::vector<std::vector<float>> borders(static_cast<size_t>(f_count));
  std::vector<float> column(static_cast<size_t>(n));
  for (int64_t j = 0; j < f_count; ++j) {
    for (int64_t i = 0; i < n; ++i) column[size_t(i)] = x[i * f_count + j];
    borders[size_t(j)] = choose_borders(column, o.borders);
  }
  const auto bins = to_bins(x, n, f_count, borders);
  const auto bins_v = to_bins(xv, nv, f_count, borders);

  base_.assign(size_t(k), 0.0);
  if (classify) {
    // The log of the class frequencies (for two classes, the log-odds, as CatBoost's
    // boost_from_average); half a row stands in for an absent class, keeping the logs finite.
    std::vector<double> count(static_cast<size_t>(outputs_), 0.0);
    for (int64_t i = 0; i < n; ++i) count[size_t(y[i])] += 1;
    for (double& c : count) c = std::max(c, 0.5);
    if (k == 1) base_[0] = std::log(count[1] / count[0]);
    for (int64_t c = 0; k > 1 && c < k; ++c)
      base_[size_t(c)] = std::log(count[size_t(c)] / double(n));
  } else {
    for (int64_t i = 0; i < n; ++i) base_[0] += y[i] / double(n);
  }
  std::vector<double> f(static_cast<size_t>(n * k)), fv(static_cast<size_t>(nv * k));
  for (int64_t i = 0; i < n; ++i) std::copy(base_.begin(), base_.end(), f.begin() + i * k);
  for (int64_t i = 0; i < nv; ++i) std::copy(base_.begin(), base_.end(), fv.begin() + i * k);
  trees_.clear();

  Generator gen(o.seed);
  std::vector<double> gh(static_cast<size_t>(n * 2 * k));  // per row and output: g, h
  std::vector<double> weight(static_cast<size_t>(n));
  std::vector<int32_t> leaf(static_cast<size_t>(n)), leaf_v(static_cast<size_t>(nv));
  // Per feature, reused by every level: [leaf, bin, output, (w g, w)] sums (CatBoost scores
  // splits with the weights, not the Hessians), and per border the Cosine score's numerator
  // and denominator.
  std::vector<std::vector<double>> hists(static_cast<size_t>(f_count)),
      scores(static_cast<size_t>(f_count));
  for (int64_t j = 0; j < f_count; ++j) {
    const size_t cells = borders[size_t(j)].size() + 1;
    hists[size_t(j)].resize((size_t(1) << (o.depth - 1)) * cells * size_t(2 * k));
    scores[size_t(j)].resize(2 * cells);  // one more: a run's end
  }
  // The key of a split's noise: the same draw whichever thread scores it.
  auto noise_key = [&](int round, int level, int64_t feature, int64_t border) {
    return ((o.seed * 0x9E3779B97F4A7C15ull + uint64_t(round)) * 64 + uint64_t(level)) *
               0x100000001B3ull +
           uint64_t(feature) * 256 + uint64_t(border);
  };
  constexpr int64_t kFeatureDraw = 255;  // no border has this index (at most 255 borders: 0-254)
  const std::vector<double> y_val(yv, yv + nv);
  Predictions pv;  // the validation rows' outputs, for their loss
  Fitted fitted;
  double best_loss = INFINITY, tolerance = 0;
  int last_gain = 0;  // the last round that beat the best loss by more than the tolerance
  for (int round = 0; round < o.rounds; ++round) {
    // This round's bootstrap weights weigh the split search only: as CatBoost's, the leaves
    // take every row as it is.
    for (int64_t i = 0; i < n; ++i) {
      const double u = gen.next_double();
      weight[size_t(i)] =
          o.bagging_temperature > 0 ? std::pow(-std::log1p(-u), o.bagging_temperature) : 1.0;
    }
    const double g_rms = gradients(f, y, n, outputs_, gh);
    // CatBoost's fading noise: strength x gradient RMS x n e^(-round lr) / (1 + n e^(-round lr)).
    const double noise = o.random_strength * g_rms /
                         (1 + std::exp(double(round) * o.learning_rate - std::log(double(n))));

    Tree tree;
    std::vector<int32_t> border_index;
    std::fill(leaf.begin(), leaf.end(), 0);
    for (int d = 0; d < o.depth; ++d) {
      const int64_t leaves = int64_t{1} << d;
      std::vector<double> best_score(static_cast<size_t>(f_count), -INFINITY);
      std::vector<int32_t> best_border(static_cast<size_t>(f_count), -1);
      // Each leaf's sums, the same for every feature.
      std::vector<double> leaf_totals(static_cast<size_t>(leaves * 2 * k), 0.0);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t c = 0; c < k; ++c) {
          leaf_totals[size_t((leaf[size_t(i)] * k + c) * 2)] +=
              weight[size_t(i)] * gh[size_t((i * k + c) * 2)];
          leaf_totals[size_t((leaf[size_t(i)] * k + c) * 2 + 1)] += weight[size_t(i)];
        }
#pragma omp parallel for schedule(dynamic, 1) if (n * f_count > 100000)
      for (int64_t j = 0; j < f_count; ++j) {
        const int64_t nb = int64_t(borders[size_t(j)].size());
        if (nb == 0) continue;
        std::vector<double>& score = scores[size_t(j)];
        score_borders({gh, weight, leaf, k}, bins[size_t(j)], nb, leaves, leaf_totals, o.l2,
                      hists[size_t(j)], score);
        // As CatBoost's: each border's score plus noise picks the feature's border; the
        // feature keeps that border's score without its noise, and the features are compared
        // with a fresh draw each (a feature of 254 borders would otherwise win on the largest
        // of 254 noises).
        double best_instance = -INFINITY;
        for (int64_t border = 0; border < nb; ++border) {
          // CatBoost's Cosine score: how well the split's leaf values line up with the gradients.
          const double num = score[size_t(2 * border)], den = score[size_t(2 * border + 1)];
          const double value = den > 0 ? num / std::sqrt(den) : 0.0;
          const double instance = value + noise * hashed_normal(noise_key(round, d, j, border));
          if (instance > best_instance)
            best_instance = instance, best_score[size_t(j)] = value,
            best_border[size_t(j)] = int32_t(border);
        }
      }
      int64_t pick = -1;
      double pick_instance = -INFINITY;
      for (int64_t j = 0; j < f_count; ++j) {
        if (best_border[size_t(j)] < 0) continue;
        const double instance =
            best_score[size_t(j)] + noise * hashed_normal(noise_key(round, d, j, kFeatureDraw));
        if (pick < 0 || instance > pick_instance) pick = j, pick_instance = instance;
      }
      if (pick < 0) break;  // no feature varies: the tree is one leaf
      const int32_t border = best_border[size_t(pick)];
      tree.feature.push_back(int32_t(pick));
      tree.threshold.push_back(borders[size_t(pick)][size_t(border)]);
      border_index.push_back(border);
      const auto& b = bins[size_t(pick)];
      for (int64_t i = 0; i < n; ++i)
        leaf[size_t(i)] = 2 * leaf[size_t(i)] + (b[size_t(i)] > border);
    }

    set_leaf_values({gh, weight, leaf, k}, o, tree);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t c = 0; c < k; ++c)
        f[size_t(i * k + c)] += tree.value[size_t(leaf[size_t(i)] * k + c)];
    trees_.push_back(std::move(tree));
    fitted.rounds_grown = round + 1;

    if (nv > 0) {
      leaves_of(trees_.back(), border_index, bins_v, leaf_v);
      for (int64_t i = 0; i < nv; ++i)
        for (int64_t c = 0; c < k; ++c)
          fv[size_t(i * k + c)] += trees_.back().value[size_t(leaf_v[size_t(i)] * k + c)];
      const double l = loss(fv, y_val, outputs_, pv);
      // Gains below 1e-4 of the first round's loss do not hold off the stop: on classes that
      // separate, the log-loss falls for ever by ever smaller amounts.
      if (round == 0) tolerance = 1e-4 * l;
      if (l < best_loss - tolerance) last_gain = round + 1;
      if (l < best_loss) best_loss = l, fitted.best_rounds = round + 1;
      if (round + 1 - last_gain >= o.patience) break;
    } else {
      fitted.best_rounds = round + 1;
    }
    if (round + 1 < o.rounds && stop && stop()) {
      fitted.stopped = true;
      break;
    }
  }
  trees_.resize(size_t(fitted.best_rounds));
  return fitted;
}

std::vector<double> ObliviousBoost::predict(const float* x, int64_t n) const {
  const int64_t k = scores_per_row(outputs_);
  std::vector<double> out(static_cast<size_t>(n * outputs_));
#pragma omp parallel for schedule(static) if (n * int64_t(trees_.size()) > 100000)
  for (int64_t i = 0; i < n; ++i) {
    std::vector<double> z(base_);
    const float* row = x + i * features_;
    for (const Tree& t : trees_) {
      size_t l = 0;
      for (size_t d = 0; d < t.feature.size(); ++d)
        l = 2 * l + size_t(row[t.feature[d]] > t.threshold[d]);
      for (int64_t c = 0; c < k; ++c) z[size_t(c)] += t.value[l * size_t(k) + size_t(c)];
    }
    to_outputs(z.data(), outputs_, &out[size_t(i * outputs_)]);
  }
  return out;
}

void ObliviousBoost::write(const std::filesystem::path& file) const {
  std::string out(kMagic, sizeof kMagic);
  const int64_t header[3] = {features_, outputs_, int64_t(trees_.size())};
  put_raw(out, header, 3);
  put_raw(out, base_.data(), base_.size());
  for (const Tree& t : trees_) {
    const int64_t depth = int64_t(t.feature.size());
    put_raw(out, &depth, 1);
    put_raw(out, t.feature.data(), t.feature.size());
    put_raw(out, t.threshold.data(), t.threshold.size());
    put_raw(out, t.value.data(), t.value.size());
  }
  io::write_file_atomically(file, out);
}

ObliviousBoost ObliviousBoost::read(const std::filesystem::path& file) {
  const std::vector<char> bytes = io::read_file_bytes(file);
  return parse(std::string(bytes.begin(), bytes.end()), file.string());
}

ObliviousBoost ObliviousBoost::parse(const std::string& bytes, const std::string& name) {
  RawReader in(bytes, name, "oblivious-boosting model");
  auto bad = [&](const std::string& what) { return in.bad(what); };
  auto take = [&](void* into, size_t size, const char* what) { in.take(into, size, what); };
  in.expect_magic(kMagic);
  int64_t header[3];
  take(header, sizeof header, "the header");
  const auto [features, outputs, trees] = header;
  if (features < 1 || features > (int64_t{1} << 24) || outputs < 1 || outputs > 100000 ||
      trees < 0 || trees > 1000000)
    throw bad(fmt::format("{} features, {} outputs, {} trees", features, outputs, trees));
  ObliviousBoost model(features, outputs);
  const int64_t k = scores_per_row(outputs);
  model.base_.resize(size_t(k));
  take(model.base_.data(), 8 * size_t(k), "the base scores");
  for (int64_t t = 0; t < trees; ++t) {
    int64_t depth = 0;
    take(&depth, sizeof depth, "a tree's depth");
    // Per level a feature and a threshold (8 bytes), then 2^depth leaves of k doubles.
    if (depth < 0 || depth > kMaxDepth ||
        8 * size_t(depth) + ((8 * size_t(k)) << depth) > in.left())
      throw bad(
          fmt::format("tree {} claims depth {}; {} bytes are left for it", t, depth, in.left()));
    Tree tree;
    tree.feature.resize(size_t(depth));
    tree.threshold.resize(size_t(depth));
    tree.value.resize(size_t(k) << depth);
    take(tree.feature.data(), 4 * size_t(depth), "a tree");
    take(tree.threshold.data(), 4 * size_t(depth), "a tree");
    take(tree.value.data(), 8 * tree.value.size(), "a tree");
    for (int64_t d = 0; d < depth; ++d)
      if (tree.feature[size_t(d)] < 0 || tree.feature[size_t(d)] >= features)
        throw bad(fmt::format("tree {} level {}: feature {} of {}", t, d, tree.feature[size_t(d)],
                              features));
    model.trees_.push_back(std::move(tree));
  }
  in.expect_end();
  return model;
}

}  // namespace scidl::automl
