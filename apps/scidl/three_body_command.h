// Subcommands of `scidl three-body` that live in their own files (e.g. `report`) register here;
// cmd_three_body.cpp adds them under `three-body` after its own. Registration order between
// files does not matter: setups run from main(), after every registrar.
#pragma once
#include "command.h"

namespace scidl::cli {

inline std::vector<CommandSetup>& three_body_command_registry() {
  static std::vector<CommandSetup> registry;
  return registry;
}

struct ThreeBodyCommandRegistrar {
  explicit ThreeBodyCommandRegistrar(CommandSetup setup) {
    three_body_command_registry().push_back(std::move(setup));
  }
};

}  // namespace scidl::cli

// Usage (at namespace scope in a .cpp): SCIDL_THREE_BODY_COMMAND([](CLI::App& three_body) {...});
#define SCIDL_THREE_BODY_COMMAND(setup)                                                  \
  static ::scidl::cli::ThreeBodyCommandRegistrar SCIDL_CONCAT(scidl_three_body_command_, \
                                                              __LINE__)(setup)
