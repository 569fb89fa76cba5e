// Each subcommand lives in its own file and registers itself here, so adding one touches no
// other file. A registrar adds its CLI11 subcommand and the callback that runs it.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace scidl::cli {

using CommandSetup = std::function<void(CLI::App& app)>;

inline std::vector<CommandSetup>& command_registry() {
  static std::vector<CommandSetup> registry;
  return registry;
}

struct CommandRegistrar {
  explicit CommandRegistrar(CommandSetup setup) { command_registry().push_back(std::move(setup)); }
};

}  // namespace scidl::cli

#define SCIDL_CONCAT_INNER(a, b) a##b
#define SCIDL_CONCAT(a, b) SCIDL_CONCAT_INNER(a, b)
// Usage (at namespace scope in a .cpp): SCIDL_COMMAND([](CLI::App& app) { ... });
#define SCIDL_COMMAND(setup) \
  static ::scidl::cli::CommandRegistrar SCIDL_CONCAT(scidl_command_, __LINE__)(setup)
