// scidl: the command line. Subcommands are registered by their own files (command.h).
#include <fmt/core.h>

#include <exception>

#include "command.h"
#include "scidl/backend/cpu/isa.h"
#include "scidl/scidl.h"
#include "suggestions.h"

namespace {

// The same for every subcommand; README.md lists them too.
constexpr int kInputError = 1;  // an error in the user's input, or a run that failed
constexpr int kUsageError = 2;  // CLI11's parse errors, whatever their kind
constexpr const char* kExitStatus =
    "Exit status: 0 success; 1 an error in the input or a failed run; 2 a usage error (an unknown "
    "subcommand or option, a missing or out-of-range value); 130 interrupted (Ctrl-C).";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"scidl: scientific deep learning in C++ (train, explain, tune, generate data)"};
  app.set_version_flag("--version", std::string("scidl ") + SCIDL_VERSION);
  app.footer(kExitStatus);
  app.require_subcommand(1);
  for (auto& setup : scidl::cli::command_registry()) setup(app);
  try {
    // SCIDL_KERNELS is read here, so a bad setting stops the program before any work starts.
    scidl::backend::cpu::active_isa();
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 gives each kind of error its own code; 0 is --help, --version or --help-config.
    if (app.exit(e) == 0) return 0;
    const std::string hint = scidl::cli::suggestion_for(app, argc, argv);
    if (!hint.empty()) fmt::print(stderr, "scidl: {}\n", hint);
    return kUsageError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "scidl: error: {}\n", e.what());
    return kInputError;
  }
  return 0;
}
