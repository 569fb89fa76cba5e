#include <fmt/format.h>
#include <fmt/ranges.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <stdexcept>

#include "scidl/automl/automl.h"
#include "scidl/automl/automl_reports.h"
#include "scidl/automl/column_types.h"
#include "scidl/automl/ensemble_selection.h"
#include "scidl/automl/feature_encoder.h"
#include "scidl/automl/fold_processes.h"
#include "scidl/automl/folds.h"
#include "scidl/automl/predictor.h"
#include "scidl/automl/refit_full.h"
#include "scidl/automl/run_folder.h"
#include "scidl/automl/training_table.h"
#include "scidl/data/csv.h"
#include "scidl/io/file_io.h"
#include "scidl/ops/ops.h"

namespace scidl::automl {
namespace {

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

Tensor rows_of(const Tensor& x, const std::vector<int64_t>& rows) {
  return index_select(x, 0, from_vector(rows, {static_cast<int64_t>(rows.size())}));
}

TabularData data_of(const Tensor& x, const std::vector<double>& y,
                    const std::vector<int64_t>& rows) {
  TabularData d;
  d.x = rows_of(x, rows);
  for (int64_t r : rows) d.y.push_back(y[static_cast<size_t>(r)]);
  return d;
}

std::vector<ModelPreset> chosen_models(const std::vector<std::string>& names, Task task) {
  const auto zoo = model_zoo(task);
  if (names.empty()) return zoo;
  std::vector<ModelPreset> out;
  for (const auto& name : names) {
    const auto it =
        std::find_if(zoo.begin(), zoo.end(), [&](const ModelPreset& p) { return p.name == name; });
    if (it == zoo.end()) {
      std::string known;
      for (const auto& p : zoo) {
        if (!known.empty()) known += ", ";
        known += p.name;
      }
      throw std::invalid_argument(
          fmt::format("--models: no model '{}' in the zoo ({})", name, known));
    }
    out.push_back(*it);
  }
  return out;
}

// Sets the OpenMP threads for a scope. A small table's models (a few thousand rows, batches of
// tens) wait at every parallel region's barrier longer than the work takes, and far longer
// when the cores are shared: one thread fits them fastest (bench/RESULTS.md, automl_bike).
class ScopedThreads {
 public:
  explicit ScopedThreads(int threads) : saved_(omp_get_max_threads()) {
    omp_set_num_threads(threads);
  }
  ~ScopedThreads() { omp_set_num_threads(saved_); }
  ScopedThreads(const ScopedThreads&) = delete;
  ScopedThreads& operator=(const ScopedThreads&) = delete;

 private:
  int saved_;
};

// One bag set of a model: its out-of-fold predictions and what fitting and predicting cost.
struct BagSetFit {
  Predictions oof;
  double fit_seconds = 0, predict_seconds = 0;
};

// How far a model's repeated bagging has gone.
struct BagSets {
  uint64_t index = 0;        // the model's place in the run (its fold seeds derive from it)
  int sets = 1;              // bag sets fitted
  bool failed = false;       // a further set failed: no more are tried
  double first_seconds = 0;  // the first set's fit time: what a further set is given
};

// Removes models/NAME/foldN.* for N in [first, first + count): a failed bag set's files.
void remove_fold_files(const std::filesystem::path& dir, size_t first, size_t count) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    for (size_t n = first; n < first + count; ++n)
      if (name.rfind(fmt::format("fold{}.", n), 0) == 0) std::filesystem::remove(entry.path(), ec);
  }
}

constexpr int kMaxBagSets = 20;  // AutoGluon's num_bag_sets with a time limit
constexpr uint64_t kBagSetSeedStep = 7919;
constexpr double kSmallTableCells = 1e6;
constexpr int kSearchRounds = 3;

// Everything run_automl does after choosing the folder `work` it writes into.
AutomlResult fit_into(const AutomlOptions& o, const std::filesystem::path& work) {
  const auto start = Clock::now();
  const bool limited = o.time_limit > 0;
  const auto deadline = limited ? start + std::chrono::duration_cast<Clock::duration>(
                                              std::chrono::duration<double>(o.time_limit))
                                : Clock::time_point::max();
  auto say = [&](const std::string& text) {
    if (o.verbose) fmt::print("{}\n", text);
  };

  TrainingTables tables = prepare_tables(o);
  AutomlResult result;
  result.task = tables.task;
  result.metric = o.metric.empty() ? default_metric(tables.task) : o.metric;
  check_metric(result.metric, tables.task);
  for (const auto& name : o.exclude) tables.train.column(name, "--exclude");
  const auto zoo = chosen_models(o.models, tables.task);
  result.train_rows = tables.train.rows;
  result.test_rows = tables.has_test ? tables.test.rows : 0;
  result.dropped_rows = tables.dropped_train + tables.dropped_test;
  say(fmt::format("{}: {} rows for training{}; task {} ({}); metric {}", tables.train.file,
                  tables.train.rows,
                  tables.has_test ? fmt::format(", {} for testing", tables.test.rows) : "",
                  task_name(tables.task), tables.task_reason, result.metric));
  if (result.dropped_rows > 0)
    say(fmt::format("dropped {} rows whose target '{}' is missing", result.dropped_rows, o.target));

  const auto columns = infer_columns(tables.train, o.target, o.exclude);
  std::filesystem::create_directories(work / "models");
  io::write_file_atomically(work / "columns.md", columns_markdown(columns, tables.train.rows));
  int64_t inputs = 0;
  for (const auto& c : columns) {
    if (c.kind != ColumnKind::Dropped) ++inputs;
    if (c.kind == ColumnKind::Dropped || !c.note.empty())
      say(fmt::format("  column {}: {}{}", c.name, column_kind_name(c.kind),
                      c.note.empty() ? "" : " (" + c.note + ")"));
  }
  if (inputs == 0)
    throw std::invalid_argument(fmt::format("{}: no column is left to learn '{}' from (see {})",
                                            tables.train.file, o.target,
                                            (work / "columns.md").string()));

  Predictor predictor;
  predictor.task = tables.task;
  predictor.target = o.target;
  predictor.metric = result.metric;
  predictor.classes = tables.classes;
  predictor.columns = columns;
  predictor.encoder = FeatureEncoder(tables.train, columns);
  const Tensor x = predictor.encoder.encode(tables.train);
  const auto& y = tables.y_train;
  const int64_t classes = static_cast<int64_t>(tables.classes.size());
  const FoldPlan plan = plan_folds(o.preset, y, tables.task, o.seed);
  const bool small =
      static_cast<double>(tables.train.rows * predictor.encoder.features()) < kSmallTableCells;
  const int cores = omp_get_max_threads();
  const ScopedThreads threads(small ? 1 : cores);
  // One-thread fits of bagged folds go side by side, one process per core.
  const int fold_workers =
      small && plan.bagged ? std::min(cores, static_cast<int>(plan.folds.size())) : 1;
  say(fmt::format(
      "{} inputs ({} features); {} thread{}; {}", inputs, predictor.encoder.features(),
      omp_get_max_threads(), omp_get_max_threads() == 1 ? "" : "s",
      plan.bagged ? fmt::format("{}-fold bagging, {} fold{} at a time", plan.folds.size(),
                                fold_workers, fold_workers == 1 ? "" : "s")
                  : fmt::format("{} rows hold out for validation", plan.validation_rows.size())));
  const Tensor x_val = rows_of(x, plan.validation_rows);
  std::vector<double> y_val;
  for (int64_t r : plan.validation_rows) y_val.push_back(y[static_cast<size_t>(r)]);

  // Fitting keeps 5% of the limit for the ensemble and the predictor's files.
  const double reserve = 0.05 * o.time_limit;
  std::vector<Predictions> val_predictions;
  std::vector<LeaderboardRow> rows;
  std::vector<BagSets> bag_sets;  // parallel to predictor.models
  // Bag set s's split into folds (set 0: `plan`; each further set another seeded deal of the
  // same rows, as AutoGluon's repeated k-fold bagging). A deque: references stay valid.
  std::deque<FoldPlan> set_plans{plan};
  auto plan_of_set = [&](size_t s) -> const FoldPlan& {
    while (set_plans.size() <= s)
      set_plans.push_back(
          plan_folds(o.preset, y, tables.task, o.seed + kBagSetSeedStep * set_plans.size()));
    return set_plans[s];
  };
  // Fits bag set `s` of a model (every fold of that set) within `budget` seconds, saves its
  // fold models as models/NAME/foldN (numbered on from the earlier sets'), appends them to
  // `into`, and returns the set's out-of-fold predictions. Throws on failure, after removing
  // the set's files.
  auto fit_bag_set = [&](const ModelPreset& preset, double budget, uint64_t index, size_t s,
                         FittedModel& into, std::string& notes) {
    const auto set_start = Clock::now();
    const FoldPlan& sp = plan_of_set(s);
    const auto dir = work / "models" / preset.name;
    const size_t k = sp.folds.size();
    FittedModel set;
    set.preset = preset;
    // Fold f's model, fitted and saved; its deadline is its share of the budget (folds run
    // `fold_workers` at a time, so each may take that many shares).
    auto fit_fold = [&](size_t f, Clock::time_point fold_deadline) {
      FitContext context;
      context.task = tables.task;
      context.classes = classes;
      context.seed = o.seed * 1000003 + index * 101 + f + s * kBagSetSeedStep;
      context.stop = o.stop_requested;
      context.deadline = fold_deadline;
      auto model = make_model(preset, tables.task, classes);
      const Fold& fold = sp.folds[f];
      model->fit(data_of(x, y, fold.train),
                 data_of(x, y, fold.stopping.empty() ? fold.validation : fold.stopping), context);
      const std::string file = model->save(dir / fmt::format("fold{}", s * k + f));
      return std::make_pair(std::move(model), file);
    };
    auto share = [&](double parts) {
      return std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(budget * parts / double(k)));
    };
    try {
      if (fold_workers > 1) {
        const auto outcomes = fit_folds_in_processes(
            k, fold_workers,
            [&](size_t f) {
              const auto fold_deadline =
                  limited ? std::min(deadline, Clock::now() + share(fold_workers)) : deadline;
              auto [model, file] = fit_fold(f, fold_deadline);
              return std::make_pair(file, model->fit_note());
            },
            o.stop_requested);
        for (size_t f = 0; f < k; ++f) {
          if (!outcomes[f].ok)
            throw std::runtime_error(fmt::format("fold {}: {}", s * k + f, outcomes[f].error));
          set.files.push_back("models/" + preset.name + "/" + outcomes[f].file);
          set.folds.push_back(
              load_tabular_model(preset, tables.task, classes, dir / outcomes[f].file));
          if (f == 0) notes = outcomes[f].note;
        }
      } else {
        for (size_t f = 0; f < k; ++f) {
          auto [model, file] = fit_fold(
              f, limited ? std::min(deadline, set_start + share(double(f + 1))) : deadline);
          set.files.push_back("models/" + preset.name + "/" + file);
          if (f == 0) notes = model->fit_note();
          set.folds.push_back(std::move(model));
        }
      }
      BagSetFit out;
      out.fit_seconds = seconds_since(set_start);
      const auto predict_start = Clock::now();
      out.oof = set.predict_out_of_fold(x_val, sp.fold_of_row);
      out.predict_seconds = seconds_since(predict_start);
      for (double v : out.oof.values)
        if (!std::isfinite(v))
          throw std::runtime_error("its validation predictions are not finite");
      for (auto& m : set.folds) into.folds.push_back(std::move(m));
      into.files.insert(into.files.end(), set.files.begin(), set.files.end());
      return out;
    } catch (...) {
      remove_fold_files(dir, s * k, k);
      throw;
    }
  };
  // Fits one model (its first bag set) within `budget` seconds; a failure is recorded and
  // skipped.
  auto fit_one = [&](const ModelPreset& preset, double budget, uint64_t index) {
    const auto dir = work / "models" / preset.name;
    try {
      FittedModel fitted;
      fitted.preset = preset;
      std::string notes;
      std::filesystem::create_directories(dir);
      const size_t k = plan.folds.size();
      BagSetFit first = fit_bag_set(preset, budget, index, 0, fitted, notes);
      LeaderboardRow row;
      row.model = preset.name;
      row.eval_metric = result.metric;
      row.fit_time = row.fit_time_marginal = first.fit_seconds;
      row.pred_time_val = row.pred_time_val_marginal = first.predict_seconds;
      row.score_val = score(result.metric, first.oof, y_val);
      row.fit_order = static_cast<int>(predictor.models.size()) + 1;
      say(fmt::format("  {:<22} score_val {:>12.6g}  fit {:7.2f} s  ({}{})", preset.name,
                      row.score_val, row.fit_time, notes,
                      k > 1 ? fmt::format("; first of {} folds", k) : ""));
      predictor.models.push_back(std::move(fitted));
      val_predictions.push_back(std::move(first.oof));
      rows.push_back(row);
      bag_sets.push_back({index, 1, false, first.fit_seconds});
    } catch (const std::exception& e) {
      result.failures.push_back({preset.name, e.what()});
      say(fmt::format("  {:<22} failed: {}", preset.name, e.what()));
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  auto seconds_left = [&] { return o.time_limit - seconds_since(start) - reserve; };
  auto stopped = [&] { return o.stop_requested != nullptr && o.stop_requested->load(); };
  for (size_t i = 0; i < zoo.size(); ++i) {
    if (stopped() && !predictor.models.empty()) {
      result.failures.push_back({zoo[i].name, "skipped: stopped (Ctrl-C)"});
      say(fmt::format("  {:<22} skipped: stopped (Ctrl-C)", zoo[i].name));
      continue;
    }
    double budget = INFINITY;
    if (limited) {
      const double left = seconds_left();
      if (left <= 0 && !predictor.models.empty()) {
        result.failures.push_back({zoo[i].name, "skipped: the time limit was reached"});
        say(fmt::format("  {:<22} skipped: the time limit was reached", zoo[i].name));
        continue;
      }
      budget = std::max(left, 0.0) / static_cast<double>(zoo.size() - i);
    }
    fit_one(zoo[i], budget, i);
  }
  // Time permitting, a small random search around the zoo's XGBoost and MLP: rounds of one
  // variant of each, each with an equal share of what is left, while a third of the limit is.
  // Bagged fits only: on a holdout of a hundred rows the greedy ensemble overfits the extra
  // candidates (bike rentals: test RMSE 656 with them, 610 without; bench/RESULTS.md).
  if (limited && o.models.empty() && plan.bagged) {
    for (int round = 1; round <= kSearchRounds; ++round) {
      const auto variants = search_variants(tables.task, round, o.seed);
      if (seconds_left() < o.time_limit / 3) break;
      for (size_t v = 0; v < variants.size(); ++v) {
        const double left = seconds_left();
        if (left <= 0 || stopped()) break;
        const double planned =
            double((kSearchRounds - round) * variants.size() + variants.size() - v);
        fit_one(variants[v], left / planned, zoo.size() + round * variants.size() + v);
      }
    }
  }
  // Repeated bagging, as AutoGluon's num_bag_sets (20 with a time limit, 1 without, unless
  // set): time left after the zoo and the search fits further bag sets, round by round over the
  // models in fit order, each set on another seeded deal of the rows into folds, for every model
  // whose first set's fit time still fits in what is left. A row's out-of-fold prediction becomes
  // the mean over the sets, so a model whose fold models vary much (trees stopped on a few dozen
  // rows) is no longer judged by one fold model while it predicts with the mean of all of them
  // (bench/RESULTS.md: out of fold, XGBoost scored ~30 RMSE worse against its test score than
  // the networks did, and the ensemble leaned on the networks).
  const int max_sets = o.bag_sets > 0 ? o.bag_sets : limited ? kMaxBagSets : 1;
  // What the reports will need at the least, within the time limit's 10%: the judged rows
  // unshuffled and with each column shuffled once, through every fold model of every set (the
  // out-of-fold predictions ran each row through one fold model of each set).
  const double judged_rows =
      tables.has_test ? double(tables.test.rows) : double(plan.validation_rows.size());
  auto least_report_seconds = [&] {
    double pass = 0;  // every model's out-of-fold predictions, all sets
    for (const auto& row : rows) pass += row.pred_time_val;
    return pass * double(plan.folds.size()) * judged_rows /
           double(std::max<size_t>(1, plan.validation_rows.size())) *
           double(1 + predictor.encoder.input_columns().size());
  };
  if (plan.bagged && max_sets > 1) {
    for (int s = 1; s < max_sets && !stopped(); ++s) {
      bool any = false;
      for (size_t j = 0; j < predictor.models.size() && !stopped(); ++j) {
        auto& sets = bag_sets[j];
        const double left = limited ? std::min(seconds_left(), seconds_left() + 0.1 * o.time_limit -
                                                                   least_report_seconds())
                                    : INFINITY;
        if (sets.failed || sets.sets < s || left < sets.first_seconds) continue;
        any = true;
        const auto& preset = predictor.models[j].preset;
        try {
          std::string notes;
          BagSetFit more = fit_bag_set(preset, std::min(left, sets.first_seconds), sets.index,
                                       static_cast<size_t>(s), predictor.models[j], notes);
          auto& oof = val_predictions[j].values;
          for (size_t c = 0; c < oof.size(); ++c)
            oof[c] = (oof[c] * sets.sets + more.oof.values[c]) / (sets.sets + 1);
          ++sets.sets;
          rows[j].score_val = score(result.metric, val_predictions[j], y_val);
          rows[j].fit_time = rows[j].fit_time_marginal += more.fit_seconds;
          rows[j].pred_time_val = rows[j].pred_time_val_marginal += more.predict_seconds;
        } catch (const std::exception& e) {
          sets.failed = true;
          result.failures.push_back(
              {preset.name, fmt::format("bag set {} failed (the model keeps its first {}): {}",
                                        s + 1, s, e.what())});
        }
      }
      if (!any) break;
    }
    std::string counts;
    for (size_t j = 0; j < predictor.models.size(); ++j)
      if (bag_sets[j].sets != 1)
        counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ",
                              predictor.models[j].preset.name, bag_sets[j].sets);
    if (!counts.empty()) say(fmt::format("  repeated bagging, bag sets: {}", counts));
  }
  const auto skipped = std::count_if(
      result.failures.begin(), result.failures.end(),
      [](const ModelFailure& f) { return f.error.rfind("skipped: the time limit", 0) == 0; });
  if (skipped > 0)
    say(
        fmt::format("note: the time limit of {} s was too short for the whole zoo: {} of {} "
                    "models were skipped (failures.csv); the predictor holds those fitted",
                    o.time_limit, skipped, zoo.size()));
  if (predictor.models.empty()) {
    std::string why;
    for (const auto& f : result.failures) why += fmt::format("\n  {}: {}", f.model, f.error);
    throw std::runtime_error("no model could be fitted:" + why);
  }

  // The weighted ensemble over the validation predictions.
  const auto ensemble_start = Clock::now();
  const std::vector<double> weights =
      select_bagged_ensemble(val_predictions, y_val, result.metric, o.seed);
  predictor.ensemble_weights = weights;
  LeaderboardRow ensemble;
  ensemble.model = kEnsembleName;
  ensemble.eval_metric = result.metric;
  ensemble.stack_level = 2;
  ensemble.score_val = score(result.metric, blend(val_predictions, weights), y_val);
  ensemble.fit_time_marginal = seconds_since(ensemble_start);
  ensemble.fit_time = ensemble.fit_time_marginal;
  for (size_t j = 0; j < rows.size(); ++j)
    if (weights[j] > 0) {
      ensemble.fit_time += rows[j].fit_time;
      ensemble.pred_time_val += rows[j].pred_time_val;
    }
  ensemble.fit_order = static_cast<int>(rows.size()) + 1;
  rows.push_back(ensemble);
  std::string members;
  for (size_t j = 0; j < weights.size(); ++j)
    if (weights[j] > 0)
      members += fmt::format("{}{} {:.2f}", members.empty() ? "" : ", ",
                             predictor.models[j].preset.name, weights[j]);
  say(fmt::format("  {:<22} score_val {:>12.6g}  ({})", kEnsembleName, ensemble.score_val,
                  members));

  // A holdout fit's models, fitted again on every row while the time limit allows.
  RefitOutcome refits;
  if (o.refit_full && !plan.bagged && !stopped()) {
    RefitPlan rp;
    rp.work = work;
    rp.ensemble_weights = weights;
    for (size_t j = 0; j < predictor.models.size(); ++j) {
      rp.score_val.push_back(rows[j].score_val);
      rp.fit_seconds.push_back(rows[j].fit_time);
    }
    rp.row_ratio = double(tables.train.rows) / double(plan.folds.at(0).train.size());
    if (limited)
      rp.deadline = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(o.time_limit - reserve));
    rp.seed = o.seed;
    rp.stop = o.stop_requested;
    refits = refit_full(predictor, TabularData{x, y}, rp);
    for (size_t j = 0; j < refits.seconds.size(); ++j) {
      rows[j].fit_time += refits.seconds[j];
      rows[j].fit_time_marginal += refits.seconds[j];
      if (weights[j] > 0) rows.back().fit_time += refits.seconds[j];
    }
    if (!refits.refitted.empty())
      say(fmt::format("  refit on all {} rows: {}", tables.train.rows,
                      fmt::join(refits.refitted, ", ")));
    if (!refits.kept.empty())
      say(fmt::format("  kept their holdout fit: {}", fmt::join(refits.kept, "; ")));
  }

  // Scores on the test data.
  Predictions best_test;
  if (tables.has_test) {
    int64_t bad = 0;
    const Tensor x_test = predictor.encoder.encode(tables.test, &bad);
    if (bad > 0)
      say(
          fmt::format("note: {} cells of the test data did not parse as their column's type and "
                      "were treated as missing",
                      bad));
    std::vector<Predictions> test_predictions;
    for (size_t j = 0; j < predictor.models.size(); ++j) {
      const auto t0 = Clock::now();
      test_predictions.push_back(predictor.models[j].predict(x_test));
      rows[j].pred_time_test = rows[j].pred_time_test_marginal = seconds_since(t0);
      rows[j].score_test = score(result.metric, test_predictions.back(), tables.y_test);
    }
    const auto t0 = Clock::now();
    const Predictions blended = blend(test_predictions, weights);
    auto& e = rows.back();
    e.pred_time_test_marginal = seconds_since(t0);
    e.pred_time_test = e.pred_time_test_marginal;
    for (size_t j = 0; j < predictor.models.size(); ++j)
      if (weights[j] > 0) e.pred_time_test += rows[j].pred_time_test;
    e.score_test = score(result.metric, blended, tables.y_test);
    test_predictions.push_back(blended);
    // Every metric of the task, for every model.
    std::string csv = "model,metric,value\n";
    const auto names = predictor.model_names();
    for (size_t j = 0; j < names.size(); ++j)
      for (const auto& m : task_metrics(tables.task))
        csv += fmt::format("{},{},{}\n", data::csv_cell(names[j]), m,
                           metric_value(m, test_predictions[j], tables.y_test));
    io::write_file_atomically(work / "test_metrics.csv", csv);
    sort_leaderboard(rows);
    const auto best_at = std::find(names.begin(), names.end(), rows.front().model) - names.begin();
    best_test = test_predictions[static_cast<size_t>(best_at)];
  }
  sort_leaderboard(rows);
  predictor.best = rows.front().model;
  result.best = predictor.best;
  result.leaderboard = rows;
  predictor.save(work);
  write_leaderboard(work, rows, tables.has_test);
  write_failures(work, result.failures);
  result.fit_seconds = seconds_since(start);
  result.interrupted = stopped();
  say(fmt::format("\n{}\nbest: {}; fitted in {:.1f} s{}",
                  leaderboard_markdown(rows, tables.has_test), predictor.best, result.fit_seconds,
                  limited ? fmt::format(" (time limit {} s)", o.time_limit) : ""));

  // Reports on the test data, or else on the validation rows.
  JudgedRows judged;
  Predictions judged_predictions;
  if (tables.has_test) {
    judged = {tables.test, tables.y_test, {}, "test data"};
    judged_predictions = best_test;
    write_test_predictions(work / "test_predictions.csv", predictor, best_test, tables.y_test);
  } else {
    // The holdout rows judge the holdout fits: the refits trained on them. The predictor is
    // saved; only these reports see the swap.
    swap_refits(predictor, refits);
    judged = {tables.train.subset(plan.validation_rows), y_val,
              plan.bagged ? plan.fold_of_row : std::vector<int>{},
              plan.bagged ? "out-of-fold rows" : "validation rows"};
    judged_predictions = predictor.predict_encoded(
        x_val, predictor.best, judged.fold_of_row.empty() ? nullptr : &judged.fold_of_row);
  }
  write_prediction_plots(work, predictor, judged_predictions, judged.y, judged.what);
  // The reports share the time limit's 10% (less a margin for writing): the shuffles take
  // what is left of it.
  const double report_seconds =
      limited ? std::max(0.0, 1.08 * o.time_limit - seconds_since(start) - 0.5) : 0.0;
  const auto importance = permutation_importance(predictor, judged, 5, o.seed, 5000,
                                                 limited ? std::max(report_seconds, 1e-3) : 0.0);
  write_feature_importance(work, importance, result.metric, judged.what);
  say(
      fmt::format("predictor, leaderboard, feature importance and plots in {}\n  scidl predict "
                  "--model {} --input TABLE --output predictions.csv",
                  o.out.string(), o.out.string()));
  return result;
}

}  // namespace

AutomlResult run_automl(const AutomlOptions& o) {
  if (o.preset != "medium" && o.preset != "best")
    throw std::invalid_argument(fmt::format("--preset {}: choose medium or best", o.preset));
  std::error_code ec;
  const bool existed = std::filesystem::exists(o.out, ec);
  const auto work = working_folder(o);
  try {
    AutomlResult result = fit_into(o, work);
    replace_folder(work, o.out);
    return result;
  } catch (...) {  // a failed run leaves the folder as it found it
    if (work != o.out || !existed) {
      std::filesystem::remove_all(work, ec);
    } else {
      for (const auto& entry : std::filesystem::directory_iterator(work, ec))
        std::filesystem::remove_all(entry.path(), ec);
    }
    throw;
  }
}

}  // namespace scidl::automl
