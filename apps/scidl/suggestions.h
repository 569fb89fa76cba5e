// "Did you mean": after CLI11 refuses a command line, names the subcommand or option the user
// likely meant ("scidl trian" -> train, "--bach-size" -> --batch-size).
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace scidl::cli {

// The hint for the first mistyped subcommand or option name of argv, walking the subcommands
// it names; "" when nothing is mistyped or nothing is close.
std::string suggestion_for(CLI::App& app, int argc, const char* const* argv);

}  // namespace scidl::cli
