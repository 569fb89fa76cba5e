// scidl train CONFIG.toml [--set key=value ...] [--out DIR] [--overwrite] [--resume RUN_DIR]:
// train a model described by a config file, or continue a run that was interrupted.
// scidl train --help-config [SECTION] [--markdown]: the reference of every config key.
#include <fmt/core.h>

#include "command.h"
#include "scidl/io/config_reader.h"
#include "scidl/train/config_reference.h"
#include "scidl/train/run.h"

namespace {

// --help-config [SECTION] runs while the line is parsed, before `config` is required: the
// reference of every config key needs no config file.
void add_help_config_options(CLI::App* cmd) {
  auto* markdown = cmd->add_flag("--markdown")
                       ->description("with --help-config: Markdown, as in docs/config.md");
  cmd->add_option_function<std::string>(
         "--help-config",
         [markdown](const std::string& section) {
           try {
             fmt::print("{}", markdown->count() > 0 ? scidl::train::config_reference_markdown()
                                                    : scidl::train::config_reference_text(section));
           } catch (const std::invalid_argument& e) {
             throw CLI::ValidationError("--help-config", e.what());
           }
           throw CLI::Success();
         },
         "print every config key with its type, default and meaning (or only SECTION's: data, "
         "model, optimizer, training, lr_schedule, output, callbacks) and exit")
      ->expected(0, 1);
}

struct TrainArgs {
  std::string config;
  std::vector<std::string> overrides;
  std::string output;
  std::string resume;
  bool overwrite = false;
  bool quiet = false;
};

SCIDL_COMMAND([](CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train",
      "Train a model from a TOML config (data, model, optimizer, loss, metrics, callbacks)");
  // Required, but checked in the callback: CLI11 would give --help-config's SECTION to it.
  cmd->add_option("config", args->config,
                  "the run's TOML config (see examples/training/); required but with --help-config")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", args->overrides,
                  "override a config entry, e.g. --set training.epochs=5 (repeatable)");
  auto* out = cmd->add_option("--out", args->output,
                              "the run folder (default: output.dir, or runs/<config name>)");
  cmd->add_option(
         "--resume", args->resume,
         "continue the run in this folder from its last checkpoint (same config required); "
         "the result is bit for bit that of an uninterrupted run")
      ->excludes(out);
  cmd->add_flag("--overwrite", args->overwrite,
                "replace the run already in the run folder (without it, such a folder is "
                "refused and left as it is)")
      ->excludes("--resume");
  cmd->add_flag("-q,--quiet", args->quiet, "print only errors");
  add_help_config_options(cmd);
  cmd->callback([args] {
    if (args->config.empty()) throw CLI::RequiredError("config");
    auto doc = scidl::io::parse_config_file(args->config);
    for (const auto& o : args->overrides) scidl::io::apply_override(doc, o);
    auto config =
        scidl::train::parse_run_config(doc, std::filesystem::path(args->config).parent_path());
    if (!args->output.empty()) config.output_dir = args->output;
    scidl::train::RunOptions options;
    options.verbose = !args->quiet;
    options.overwrite = args->overwrite;
    if (!args->resume.empty()) {
      config.output_dir = args->resume;
      options.resume = true;
    }
    scidl::train::run_training(config, options);
  });
});

}  // namespace
