// scidl tune TUNE.toml [--set key=value ...] [--out DIR] | --resume DIR: a hyperparameter study
// over a run config (tune/tune_config.h): trials as processes, ASHA or median stopping, a study
// record that survives a crash, a leaderboard. Ctrl-C: running trials checkpoint, status 130.
#include <fmt/core.h>
#include <fmt/format.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "command.h"
#include "interrupt.h"
#include "scidl/tune/study.h"
#include "scidl/tune/study_outputs.h"
#include "single_process.h"

namespace {

struct TuneArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string output, resume;
  bool quiet = false;
  double status_every_s = 30;
};

// The table of running trials is redrawn in place on a terminal that can move its cursor.
bool stdout_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDOUT_FILENO) != 0 && !(term && std::strcmp(term, "dumb") == 0);
}

int terminal_columns() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

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
  cmd->add_option("--status-every", args->status_every_s,
                  "when not on a terminal, print the table of running trials every this many "
                  "seconds (0: never; on a terminal it is redrawn in place)")
      ->check(CLI::Range(0.0, 1e6));
  cmd->callback([args] {
    if (args->config.empty() && args->resume.empty()) throw CLI::RequiredError("config");
    scidl::cli::refuse_job_ranks("tune");
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
    options.live_table = stdout_is_terminal();
    options.width = options.live_table ? terminal_columns() : 0;
    options.status_every_s = args->status_every_s;
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
