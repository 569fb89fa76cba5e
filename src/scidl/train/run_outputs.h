// What a finished run leaves for people to look at: the curves of loss and every metric as SVG
// and PNG (training and validation on one chart per quantity), and the printed summary.
#pragma once
#include <filesystem>
#include <string>

#include "scidl/train/trainer.h"

namespace scidl::train {

// plots/<name>.svg and plots/<name>.png under `run_dir` for "loss" and each logged metric;
// returns the files written.
std::vector<std::filesystem::path> write_curve_plots(const std::filesystem::path& run_dir,
                                                     const History& history);

// A few lines: epochs run and why it stopped, best epoch and value, final values, files.
std::string run_summary(const History& history, const std::string& monitor,
                        const std::string& stopped_because, const std::filesystem::path& run_dir);

}  // namespace scidl::train
