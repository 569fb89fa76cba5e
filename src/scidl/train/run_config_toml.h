// A run's config as a TOML file that `scidl train` accepts (RUN/config.toml), so that
// `scidl train RUN/config.toml --out OTHER` trains the same run again, and
// `scidl train RUN/config.toml --resume RUN` continues it. Paths to data and models are written
// absolute (the run folder may be read from anywhere), output.dir is the run folder itself, and
// callback paths stay relative to the run folder, as the config wrote them.
// Contract: the text is checked by parsing it back: every value of the parsed config equals the
// run's, else this throws std::logic_error listing the differences (before the run writes).
#pragma once
#include <filesystem>
#include <string>

#include "scidl/train/run_config.h"

namespace scidl::train {

std::string run_config_toml(const RunConfig& config, const std::filesystem::path& run_dir);

// `config` with every path it reads absolute and output.dir the run folder: what config.toml and
// config.json hold, so a run resumes from any working directory.
RunConfig with_absolute_paths(RunConfig config, const std::filesystem::path& run_dir);

}  // namespace scidl::train
