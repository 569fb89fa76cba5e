#include "suggestions.h"

#include <fmt/format.h>

#include <vector>

#include "scidl/io/nearest_name.h"

namespace scidl::cli {

namespace {

std::vector<std::string> long_option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* option : app.get_options())
    for (const auto& name : option->get_lnames()) names.push_back("--" + name);
  return names;
}

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  return names;
}

CLI::App* subcommand_named(CLI::App& app, const std::string& name) {
  auto found = app.get_subcommands([&](CLI::App* sub) { return sub->check_name(name); });
  return found.empty() ? nullptr : found.front();
}

}  // namespace

std::string suggestion_for(CLI::App& app, int argc, const char* const* argv) {
  CLI::App* current = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") break;
    if (arg.rfind("--", 0) == 0) {
      const std::string name = arg.substr(0, arg.find('='));
      if (current->get_option_no_throw(name)) continue;
      const auto near = io::nearest_name(name, long_option_names(*current));
      if (near)
        return fmt::format("'{}' is not an option of '{}'; did you mean '{}'?", name,
                           current->get_name(), *near);
      continue;
    }
    if (arg.empty() || arg[0] == '-') continue;  // short options, negative numbers
    if (CLI::App* sub = subcommand_named(*current, arg)) {
      current = sub;
      continue;
    }
    // A word where a subcommand is required is a mistyped subcommand.
    if (current->get_require_subcommand_min() > 0) {
      const auto near = io::nearest_name(arg, subcommand_names(*current));
      if (near)
        return fmt::format("'{}' is not a subcommand{}; did you mean '{}'?", arg,
                           current == &app ? "" : " of '" + current->get_name() + "'", *near);
      return "";
    }
  }
  return "";
}

}  // namespace scidl::cli
