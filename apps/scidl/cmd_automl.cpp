// scidl automl --data TABLE --target COLUMN --out DIR: a model zoo (linear, scidl MLPs, XGBoost)
// fitted on a holdout split or with k-fold bagging, a greedy weighted ensemble, a leaderboard,
// and a predictor `scidl predict --model DIR` reads (automl/automl.h).
#include <fmt/core.h>

#include <cstdlib>

#include "command.h"
#include "interrupt.h"
#include "option_ranges.h"
#include "scidl/automl/automl.h"
#include "single_process.h"

namespace {

struct AutomlArgs {
  scidl::automl::AutomlOptions options;
  std::string task, data, test, out;
  bool quiet = false, no_refit_full = false;
};

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<AutomlArgs>();
  auto& o = a->options;
  auto* cmd = app.add_subcommand(
      "automl",
      "Fit a zoo of models to a table (linear, scidl networks, XGBoost's boosted trees and "
      "random forest), ensemble them and "
      "rank them on a leaderboard, as AutoGluon does");
  cmd->add_option("--data", a->data, "the table to learn from (CSV with a header row, or .gdt)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--target", o.target, "the column to predict")->required();
  cmd->add_option("--out", a->out, "the folder for the predictor and its reports")->required();
  cmd->add_option("--task", a->task,
                  "regression or classification (default: decided from the target)")
      ->check(CLI::IsMember({"regression", "classification"}));
  cmd->add_option("--metric", o.metric,
                  "rmse, mae or r2 (regression; default rmse); accuracy or log_loss "
                  "(classification; default accuracy)")
      ->check(CLI::IsMember({"rmse", "mae", "r2", "accuracy", "log_loss"}));
  cmd->add_option("--time-limit", o.time_limit,
                  "seconds for fitting every model (default: no limit)")
      ->check(scidl::cli::positive_at_most(1e7));
  cmd->add_option("--preset", o.preset,
                  "medium: one holdout split; best: k-fold bagging, k = min(8, max(5, rows/10))")
      ->check(CLI::IsMember({"medium", "best"}))
      ->capture_default_str();
  cmd->add_option("--bag-sets", o.bag_sets,
                  "best: repeat k-fold bagging up to this many times on new splits into folds "
                  "(default: 20 while the time limit allows, 1 without a limit)")
      ->check(CLI::Range(1, 100));
  cmd->add_flag("--no-refit-full", a->no_refit_full,
                "medium: keep each model as fitted beside the holdout, instead of fitting it "
                "again on every row once the holdout has judged it (AutoGluon's refit_full)");
  auto* test =
      cmd->add_option("--test", a->test, "a table of the same columns to score every model on")
          ->check(CLI::ExistingFile);
  cmd->add_option("--train-fraction", o.train_fraction,
                  "train on this seeded random share of the data and test on the rest")
      ->check(scidl::cli::strictly_between(0, 1))
      ->excludes(test);
  cmd->add_option("--exclude", o.exclude, "columns that are not inputs (repeatable)");
  cmd->add_option(
      "--models", o.models,
      "fit only these models of the zoo: LinearModel, XGBoost, RandomForest, ExtraTrees, "
      "ObliviousBoost, "
      "NeuralNetScidl, XGBoostLarge, NeuralNetScidl_Wide (repeatable)");
  cmd->add_option("--seed", o.seed, "seed of the splits and the models")
      ->check(CLI::Range(uint64_t{0}, uint64_t{1} << 62))
      ->capture_default_str();
  cmd->add_flag("--overwrite", o.overwrite,
                "replace what --out holds, once the new predictor is complete");
  cmd->add_flag("-q,--quiet", a->quiet, "print only errors");
  cmd->callback([a] {
    scidl::cli::refuse_job_ranks("automl");
    auto& o = a->options;
    o.data = a->data;
    o.test = a->test;
    o.out = a->out;
    o.verbose = !a->quiet;
    o.refit_full = !a->no_refit_full;
    if (!a->task.empty())
      o.task = a->task == "regression" ? scidl::automl::Task::Regression
                                       : scidl::automl::Task::Classification;
    const scidl::cli::StopOnInterrupt interrupt(
        "\nscidl: stopping the model being fitted; the predictor is made of those fitted so far "
        "(Ctrl-C again to quit now)\n");
    o.stop_requested = interrupt.flag();
    if (scidl::automl::run_automl(o).interrupted) {
      fmt::print(stderr, "scidl: interrupted; the predictor in {} holds the models fitted so far\n",
                 o.out.string());
      std::exit(130);
    }
  });
});

}  // namespace
