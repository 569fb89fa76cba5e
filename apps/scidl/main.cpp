// scidl: the command line. Subcommands are registered by their own files (command.h).
#include <fmt/core.h>

#include <exception>

#include "command.h"
#include "scidl/backend/cpu/isa.h"
#include "scidl/scidl.h"

int main(int argc, char** argv) {
  CLI::App app{"scidl: scientific deep learning in C++ (train, explain, tune, generate data)"};
  app.set_version_flag("--version", std::string("scidl ") + SCIDL_VERSION);
  app.require_subcommand(1);
  for (auto& setup : scidl::cli::command_registry()) setup(app);
  try {
    // SCIDL_KERNELS is read here, so a bad setting stops the program before any work starts.
    scidl::backend::cpu::active_isa();
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "scidl: error: {}\n", e.what());
    return 1;
  }
  return 0;
}
