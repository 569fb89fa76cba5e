// scidl demo: the main job on its built-in default, needing no files: a dense network learns
// damped oscillations x(t) = exp(-gamma t) cos(omega t) from generated data, validated on whole
// held-out trajectories.
#include <fmt/core.h>

#include "command.h"
#include "scidl/io/config_reader.h"
#include "scidl/train/run.h"

namespace {

constexpr const char* kDemoConfig = R"(
seed = 7
[data]
source = "damped_oscillator"
trajectories = 300
points = 200
validation_split = 0.1
split = "group"
[model]
inputs = 3
layers = [ { type = "dense", units = 64, activation = "tanh", repeat = 3 },
           { type = "dense", units = 1 } ]
[optimizer]
type = "adam"
lr = 3e-3
[training]
epochs = 30
batch_size = 256
loss = "mse"
metrics = ["mae", "r2"]
[output]
dir = "runs/demo"
)";

struct DemoArgs {
  std::vector<std::string> overrides;
  bool show_config = false;
};

SCIDL_COMMAND([](CLI::App& app) {
  auto a = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand("demo", "The main job on its built-in default: train a dense network on generated damped oscillations");
  cmd->add_option("--set", a->overrides, "override an entry of the built-in config, e.g. --set training.epochs=5");
  cmd->add_flag("--show-config", a->show_config, "print the built-in config and exit");
  cmd->callback([a] {
    if (a->show_config) {
      fmt::print("{}", kDemoConfig);
      return;
    }
    auto doc = scidl::io::parse_config_string(kDemoConfig, "built-in demo config");
    for (const auto& o : a->overrides) scidl::io::apply_override(doc, o);
    auto config = scidl::train::parse_run_config(doc, {});
    scidl::train::run_training(config, true);
  });
});

}  // namespace
