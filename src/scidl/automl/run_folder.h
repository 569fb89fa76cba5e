// Where scidl automl writes a run, so that a failed run loses nothing already written, and the
// failures it records there. Internal to the fit (automl_fit.cpp).
#pragma once
#include <filesystem>
#include <vector>

#include "scidl/automl/automl.h"

namespace scidl::automl {

// The output folder itself, or (--overwrite of an existing one) a sibling that replaces it only
// once everything is written.
std::filesystem::path working_folder(const AutomlOptions& o);
// Puts `work` in place of `out` (nothing to do when they are the same folder).
void replace_folder(const std::filesystem::path& work, const std::filesystem::path& out);
// failures.csv in `dir` (none written when nothing failed).
void write_failures(const std::filesystem::path& dir, const std::vector<ModelFailure>& failures);

}  // namespace scidl::automl
