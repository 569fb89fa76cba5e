// Roll-outs of a sequence model trained on windows (`[data] window = k`): given the first k
// points of trajectories it predicts the next point, appends it, and goes on from its own
// predictions, as the lecture generates a ball's flight from 10 points. Several trajectories
// roll out as one batch. Scores: where a projectile lands, and when a pendulum's lower bob
// departs from the integrator's by more than a distance.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "scidl/cases/ode/ode_case.h"
#include "scidl/nn/module.h"

namespace scidl::sci {

struct WindowModel {
  nn::ModulePtr model;
  int64_t points = 0;                // k
  std::vector<std::string> columns;  // the features of each point, in order
  bool predicts_difference = false;  // the step to the next point, not the point itself
  std::filesystem::path path;
};

// Loads a model file saved by `scidl train` from windows (its spec records the window); throws
// naming the file when it was trained otherwise.
WindowModel load_window_model(const std::filesystem::path& path);

// The model's columns in the table (throws naming the model, its columns and the table's).
std::vector<std::size_t> model_columns(const WindowModel& m, const OdeTable& table);

// seeds[b]: k rows of the model's features (k * F values). Returns per trajectory `steps`
// predicted rows (steps * F values). A trajectory for which done(b, row) turns true stops
// there (its later rows are NaN); all stop when every one has.
using RolloutStop = std::function<bool(std::size_t trajectory, const double* row)>;
std::vector<std::vector<double>> roll_out(WindowModel& m,
                                          const std::vector<std::vector<double>>& seeds,
                                          int64_t steps, const RolloutStop& done = nullptr);

// The first k rows of the model's columns of a table (throws when the table is shorter).
std::vector<double> seed_rows(const WindowModel& m, const OdeTable& table);

// Where a path of (x, y) rows (F values per row, x and y at columns cx and cy) first crosses
// y = 0 downward, by linear interpolation; NaN when it never does.
double landing_x(const std::vector<double>& rows, std::size_t width, std::size_t cx,
                 std::size_t cy);

// The first time t_i (i >= k) at which the predicted point (columns cx, cy of the predicted
// rows, which start at row k of the truth) lies farther than `distance` from the truth's;
// infinity when it never does within the truth's rows.
double departure_time(const OdeTable& truth, std::size_t truth_cx, std::size_t truth_cy,
                      const std::vector<double>& predicted, std::size_t width, std::size_t cx,
                      std::size_t cy, int64_t k, double distance);

}  // namespace scidl::sci
