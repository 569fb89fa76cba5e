// What a finished run leaves for people to look at: the curves of loss and every metric as SVG
// and PNG (training and validation on one chart per quantity), and the printed summary.
// Each chart marks its best epoch, "best: epoch 17, 0.0123": the validation value when there is
// one, else the training value, the smallest or largest by the quantity's direction as
// EarlyStopping's mode "auto" decides it (metric_direction; none marked when it cannot tell).
// Values over more than two decades are drawn on a log axis (io/plot_chart.h).
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "scidl/train/trainer.h"

namespace scidl::train {

// plots/<name>.svg and plots/<name>.png under `run_dir` for "loss" and each logged metric;
// returns the files written.
std::vector<std::filesystem::path> write_curve_plots(const std::filesystem::path& run_dir,
                                                     const History& history);

// The 0-based epoch of the best finite `key` (the first of equals), or nullopt when no epoch
// logs a finite one.
std::optional<size_t> best_epoch(const History& history, const std::string& key, bool maximise);

// A few lines: epochs run and why it stopped, best epoch and value, final values, files.
std::string run_summary(const History& history, const std::string& monitor,
                        const std::string& stopped_because, const std::filesystem::path& run_dir);

}  // namespace scidl::train
