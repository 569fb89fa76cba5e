// scidl tune TUNE.toml [--set key=value ...] [--out DIR] | --resume DIR: a hyperparameter study
// over a run config (tune/tune_config.h): trials as processes, ASHA or median stopping, a study
// record that survives a crash, a leaderboard. Ctrl-C: running trials checkpoint, status 130.
#include <fmt/core.h>
#include <fmt/format.h>

#include <cstdlib>

#include "command.h"
#include "interrupt.h"
#include "scidl/tune/study.h"
#include "scidl/tune/study_outputs.h"

namespace {

struct TuneArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string output, resume;
  bool quiet = false;
};

SCIDL_COMMAND([](CLI::App& app) {
  auto args = std::make_shared<TuneArgs>();
  auto* cmd = app.add_subcommand(
      "tune",
      "Search a run config's hyperparameters: trials in parallel, ASHA/median stopping, "
      "random/grid/TPE search, a resumable study and its leaderboard");
  cmd->add_option("config", args->config, "the tune config (see examples/tune/)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", args->overrides,
                  "override a tune config entry (num_samples=4), or the base run config's with "
                  "base. (base.training.epochs=5); repeatable");
  auto* out = cmd->add_option("--out", args->output, "the study folder (default: output.dir)");
  cmd->add_option("--resume", args->resume,
                  "continue the study in this folder: finished trials are kept, interrupted "
                  "ones continue from their checkpoints")
      ->excludes(out)
      ->check(CLI::ExistingDirectory);
  cmd->add_flag("-q,--quiet", args->quiet, "print only errors");
  cmd->callback([args] {
    if (args->config.empty() && args->resume.empty()) throw CLI::RequiredError("config");
    std::filesystem::path file = args->config;
    auto overrides = args->overrides;
    if (file.empty()) {  // --resume alone: the config and overrides the study was made with
      auto [recorded, recorded_overrides] = scidl::tune::study_source(args->resume);
      file = recorded;
      overrides.insert(overrides.begin(), recorded_overrides.begin(), recorded_overrides.end());
    }
    auto config = scidl::tune::parse_tune_config(file, overrides);
    if (!args->output.empty()) config.output_dir = args->output;
    if (!args->resume.empty()) config.output_dir = args->resume;
    scidl::tune::StudyOptions options;
    options.resume = !args->resume.empty();
    options.verbose = !args->quiet;
    const scidl::cli::StopOnInterrupt interrupt(
        "\nscidl: stopping the running trials at a checkpoint (Ctrl-C again to quit now)\n");
    options.stop_requested = interrupt.flag();
    const auto result = scidl::tune::run_study(config, options);
    if (result.interrupted) {
      fmt::print(stderr, "scidl: interrupted; continue the study with:\n  scidl tune --resume {}\n",
                 config.output_dir.string());
      std::exit(130);
    }
    if (!args->quiet) {
      const auto db = scidl::tune::StudyDb::open(config.output_dir / "study.db", false);
      fmt::print(
          "\n{}\nleaderboard, curves, TensorBoard HParams (tensorboard --logdir {}) and "
          "the best model in {}\n",
          scidl::tune::leaderboard_markdown(config, scidl::tune::leaderboard(config, db)),
          (config.output_dir / "tensorboard").string(), config.output_dir.string());
    }
  });
});

}  // namespace
