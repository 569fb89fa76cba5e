// libFuzzer target: tune configs (tune/tune_config.h): the whole config with an inline [base]
// (no file needed), its search space alone, and a draw from every axis of a space that parses.
#include <toml++/toml.h>

#include "fuzz_file.h"
#include "scidl/tune/search_space.h"
#include "scidl/tune/tune_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scidl::tune;
  scidl::fuzz::on_file(data, size, ".toml", [&](const auto& path) {
    try {
      const auto table = toml::parse(std::string_view(reinterpret_cast<const char*>(data), size));
      if (const auto* space = table["space"].as_table()) {
        const auto parsed = parse_search_space(*space, "fuzz");
        scidl::Generator rng(1);
        for (const auto& axis : parsed.axes) axis.domain.sample(rng);
        if (parsed.grid_points() > 0) parsed.grid_point(parsed.grid_points() - 1);
      }
    } catch (const std::exception&) {
    }
    parse_tune_config(path);
  });
  return 0;
}
