// Roll-outs of a window model against the integrator for a list of initial conditions, and what
// `scidl ode rollout` / `scidl ode report` write of them: a CSV of both paths, a summary per
// trajectory (the projectile's landing point, the pendulum's departure time) and a figure of the
// paths (the lecture's Figs. 2-4 and 6-9: truth solid, network dashed).
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "scidl/cases/ode/rollout.h"

namespace scidl::sci {

struct RolloutRun {
  OdeSetup setup;
  OdeTable truth;
  std::vector<double> predicted;                       // model-column rows from truth row k on
  double true_landing = NAN, predicted_landing = NAN;  // projectile: x where y = 0, m
  double departure = NAN;  // double pendulum: s until the lower bob departs by `distance`
};

// Truth to the settings' horizon; the network rolls out for as many points (a projectile's
// until its prediction falls below the ground, at most three times the truth's length).
std::vector<RolloutRun> run_rollouts(WindowModel& model, const std::vector<OdeSetup>& setups,
                                     const TrajectorySettings& settings, double distance);

// STEM.csv (trajectory, t, the truth's columns, predicted_<column>...), STEM_summary.csv, and
// STEM.{png,svg}. Returns the files written.
std::vector<std::filesystem::path> write_rollouts(const std::filesystem::path& stem,
                                                  const std::vector<RolloutRun>& runs,
                                                  const WindowModel& model,
                                                  const std::string& title);

// One line per run for the terminal.
std::string summarize(const RolloutRun& run);

}  // namespace scidl::sci
