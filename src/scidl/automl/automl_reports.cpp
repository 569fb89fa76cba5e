#include "scidl/automl/automl_reports.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "scidl/data/csv.h"
#include "scidl/explain/bar_chart.h"
#include "scidl/io/classification_report.h"
#include "scidl/io/file_io.h"
#include "scidl/io/plot_figure.h"
#include "scidl/ops/shape_ops.h"
#include "scidl/tensor/random.h"

namespace scidl::automl {
namespace {

void shuffle(std::vector<std::string>& cells, Generator& gen) {
  for (size_t i = cells.size(); i > 1; --i) std::swap(cells[i - 1], cells[gen.next_u64() % i]);
}

}  // namespace

std::vector<FeatureImportance> permutation_importance(const Predictor& predictor,
                                                      const JudgedRows& rows, int shuffles,
                                                      uint64_t seed, int64_t max_rows,
                                                      double seconds) {
  const auto start = std::chrono::steady_clock::now();
  Generator gen(seed + 17);
  JudgedRows sample = rows;
  if (rows.table.rows > max_rows) {  // a seeded sample, in row order
    std::vector<int64_t> order(static_cast<size_t>(rows.table.rows));
    for (int64_t i = 0; i < rows.table.rows; ++i) order[static_cast<size_t>(i)] = i;
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[gen.next_u64() % i]);
    order.resize(static_cast<size_t>(max_rows));
    std::sort(order.begin(), order.end());
    sample.table = rows.table.subset(order);
    sample.y.clear();
    sample.fold_of_row.clear();
    for (int64_t r : order) {
      sample.y.push_back(rows.y[static_cast<size_t>(r)]);
      if (!rows.fold_of_row.empty())
        sample.fold_of_row.push_back(rows.fold_of_row[static_cast<size_t>(r)]);
    }
  }
  // The shuffled copies of the table are predicted many at a time (up to kBatchRows rows), so
  // each fold model of the (repeatedly) bagged members runs once per batch, not once per copy.
  constexpr int64_t kBatchRows = 1 << 17;
  const auto columns = predictor.encoder.input_columns();
  Predictions all;
  std::vector<Tensor> batch;
  int64_t batch_rows = 0;
  auto flush = [&] {
    if (batch.empty()) return;
    std::vector<int> fold_of_rows;
    for (size_t i = 0; i < batch.size(); ++i)
      fold_of_rows.insert(fold_of_rows.end(), sample.fold_of_row.begin(), sample.fold_of_row.end());
    const Predictions p = predictor.predict_encoded(
        concat(batch, 0), predictor.best, sample.fold_of_row.empty() ? nullptr : &fold_of_rows);
    all.cols = p.cols;
    all.values.insert(all.values.end(), p.values.begin(), p.values.end());
    batch.clear();
    batch_rows = 0;
  };
  auto add_copy = [&](const RawTable& table) {
    batch.push_back(predictor.encoder.encode(table));
    batch_rows += table.rows;
    if (batch_rows >= kBatchRows) flush();
  };
  add_copy(sample.table);
  flush();
  if (seconds > 0) {  // as many shuffles as the unshuffled copy's time says fit, one at least
    const double copy =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double fit = (seconds - copy) / (std::max(copy, 1e-6) * double(columns.size()));
    shuffles = std::clamp(static_cast<int>(fit), 1, shuffles);
  }
  for (const auto& column : columns) {
    const auto c = static_cast<size_t>(sample.table.column(column, "input column"));
    RawTable shuffled = sample.table;
    for (int s = 0; s < shuffles; ++s) {
      shuffled.cells[c] = sample.table.cells[c];
      shuffle(shuffled.cells[c], gen);
      add_copy(shuffled);
    }
  }
  flush();
  const int64_t n = static_cast<int64_t>(sample.y.size());
  auto score_of_copy = [&](size_t i) {
    Predictions p;
    p.rows = n;
    p.cols = all.cols;
    const auto first = all.values.begin() + static_cast<std::ptrdiff_t>(i * n * all.cols);
    p.values.assign(first, first + n * all.cols);
    return score(predictor.metric, p, sample.y);
  };
  const double base = score_of_copy(0);
  std::vector<FeatureImportance> out;
  for (size_t col = 0; col < columns.size(); ++col) {
    std::vector<double> drops;
    for (int s = 0; s < shuffles; ++s)
      drops.push_back(base - score_of_copy(1 + col * shuffles + static_cast<size_t>(s)));
    FeatureImportance fi{columns[col], 0, 0, shuffles};
    for (double d : drops) fi.importance += d / shuffles;
    for (double d : drops) fi.stddev += (d - fi.importance) * (d - fi.importance);
    fi.stddev = shuffles > 1 ? std::sqrt(fi.stddev / (shuffles - 1)) : 0.0;
    out.push_back(fi);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.importance > b.importance; });
  return out;
}

void write_feature_importance(const std::filesystem::path& dir,
                              const std::vector<FeatureImportance>& importance,
                              const std::string& metric, const std::string& what) {
  std::string csv = "feature,importance,stddev,n\n";
  std::vector<explain::Bar> bars;
  for (const auto& f : importance) {
    csv +=
        fmt::format("{},{},{},{}\n", data::csv_cell(f.column), f.importance, f.stddev, f.shuffles);
    bars.push_back({f.column, f.importance});
  }
  io::write_file_atomically(dir / "feature_importance.csv", csv);
  explain::write_bar_chart(dir / "feature_importance", bars,
                           fmt::format("permutation importance on the {}", what),
                           fmt::format("drop in score ({}) when shuffled", metric));
}

void write_prediction_plots(const std::filesystem::path& dir, const Predictor& predictor,
                            const Predictions& p, const std::vector<double>& y,
                            const std::string& what) {
  const auto plots = dir / "plots";
  std::filesystem::create_directories(plots);
  if (predictor.task == Task::Classification) {
    std::vector<float> logits;
    for (double v : p.values) logits.push_back(static_cast<float>(std::log(std::max(v, 1e-30))));
    std::vector<int64_t> labels(y.begin(), y.end());
    io::write_classification_report(plots, Tensor(),
                                    from_vector(labels, {static_cast<int64_t>(labels.size())}),
                                    from_vector(logits, {p.rows, p.cols}), predictor.classes);
    return;
  }
  io::FigureSeries points{"", {}, {}, 0, io::MarkStyle::Points, 2.0};
  io::FigureSeries residuals = points;
  double lo = INFINITY, hi = -INFINITY;
  for (int64_t r = 0; r < p.rows; ++r) {
    const double t = y[static_cast<size_t>(r)], v = p.at(r, 0);
    points.x.push_back(t);
    points.y.push_back(v);
    residuals.x.push_back(v);
    residuals.y.push_back(t - v);
    lo = std::min({lo, t, v});
    hi = std::max({hi, t, v});
  }
  const std::string name = predictor.target;
  io::FigureSeries diagonal{"", {lo, hi}, {lo, hi}, 1, io::MarkStyle::DashedLine, 1.5};
  io::Figure truth;
  truth.title = fmt::format("{}: {} on the {}", predictor.best, name, what);
  truth.columns = 1;
  truth.panels.push_back(
      {"predicted against true", "true " + name, "predicted " + name, {points, diagonal}, true});
  io::write_figure(plots / "predicted_vs_true", truth);
  double plo = INFINITY, phi = -INFINITY;
  for (double v : residuals.x) plo = std::min(plo, v), phi = std::max(phi, v);
  io::FigureSeries zero{"", {plo, phi}, {0, 0}, 1, io::MarkStyle::DashedLine, 1.5};
  io::Figure res;
  res.title = fmt::format("{}: residuals on the {}", predictor.best, what);
  res.columns = 1;
  res.panels.push_back(
      {"true - predicted", "predicted " + name, "residual", {residuals, zero}, false});
  io::write_figure(plots / "residuals", res);
}

void write_test_predictions(const std::filesystem::path& path, const Predictor& predictor,
                            const Predictions& p, const std::vector<double>& y) {
  data::CsvTable t;
  t.rows = p.rows;
  if (predictor.task == Task::Regression) {
    t.column_names = {predictor.target, "predicted"};
    t.cols = 2;
    for (int64_t r = 0; r < p.rows; ++r) {
      t.values.push_back(y[static_cast<size_t>(r)]);
      t.values.push_back(p.at(r, 0));
    }
  } else {
    for (const auto& c : predictor.classes) t.column_names.push_back("p_" + c);
    t.cols = p.cols;
    t.values = p.values;
    t.text_names = {predictor.target, "predicted"};
    t.text.resize(2);
    for (int64_t r = 0; r < p.rows; ++r) {
      t.text[0].push_back(predictor.classes[static_cast<size_t>(y[static_cast<size_t>(r)])]);
      t.text[1].push_back(predictor.classes[static_cast<size_t>(p.best_class(r))]);
    }
  }
  data::write_csv(path, t);
}

}  // namespace scidl::automl
