// Python dicts as the TOML documents scidl's config readers take, so a dict given to fit
// (callbacks) or to scidl.read_run_config is checked by the same code, with the same messages,
// as a TOML file `scidl train` reads.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "scidl/io/config_reader.h"

namespace scidl::python {

// `name` stands for the file in messages ("fit(callbacks=...)"). Keys whose value is None are
// left out (TOML has no null: the reader's default applies).
io::ConfigDocument config_document(const nlohmann::json& root, const std::string& name);

}  // namespace scidl::python
