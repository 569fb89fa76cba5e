// The reference of every config key, printed from the key table the parser reads through
// (train/config_keys.h): docs/config.md is config_reference_markdown(), and
// `scidl train --help-config [SECTION]` prints config_reference_text().
#pragma once
#include <string>
#include <vector>

namespace scidl::train {

// The sections a reference can be narrowed to: data, model, optimizer, ...
std::vector<std::string> config_section_names();

// The whole reference as Markdown (docs/config.md, byte for byte).
std::string config_reference_markdown();

// One section (with each of its types), or all when `section` is empty, for a terminal. An
// unknown section throws std::invalid_argument naming the valid ones and the likeliest meant.
std::string config_reference_text(const std::string& section = "");

}  // namespace scidl::train
