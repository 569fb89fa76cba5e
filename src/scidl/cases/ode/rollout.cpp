#include "scidl/cases/ode/rollout.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <limits>

#include "scidl/autograd/grad_mode.h"
#include "scidl/nn/model_io.h"
#include "scidl/ops/ops.h"

namespace scidl::sci {

WindowModel load_window_model(const std::filesystem::path& path) {
  auto loaded = io::load_model(path);
  const auto& spec = loaded.spec;
  if (!spec.contains("window") || !spec["window"].contains("points") ||
      !spec["window"].contains("columns"))
    throw std::invalid_argument(fmt::format(
        "'{}' was not trained on windows of a trajectory: a roll-out needs a model trained with "
        "[data] window = k (e.g. examples/ode/projectile.toml)",
        path.string()));
  WindowModel m;
  m.model = loaded.model;
  m.points = spec["window"]["points"].get<int64_t>();
  m.columns = spec["window"]["columns"].get<std::vector<std::string>>();
  m.predicts_difference = spec["window"].value("target", std::string("next")) == "difference";
  m.path = path;
  m.model->eval();
  return m;
}

std::vector<std::size_t> model_columns(const WindowModel& m, const OdeTable& table) {
  std::vector<std::size_t> out;
  for (const auto& name : m.columns) {
    bool found = false;
    for (std::size_t i = 0; i < table.columns.size() && !found; ++i)
      if (table.columns[i] == name) {
        out.push_back(i);
        found = true;
      }
    if (!found)
      throw std::invalid_argument(fmt::format(
          "'{}' reads the columns {} of each point, but this problem has {}: it was trained on "
          "another problem",
          m.path.string(), m.columns, table.columns));
  }
  return out;
}

std::vector<double> seed_rows(const WindowModel& m, const OdeTable& table) {
  if (static_cast<int64_t>(table.rows()) < m.points)
    throw std::invalid_argument(fmt::format(
        "the trajectory has {} points, fewer than the model's window of {}: lengthen it or "
        "shorten dt",
        table.rows(), m.points));
  const auto cols = model_columns(m, table);
  std::vector<double> out;
  for (int64_t r = 0; r < m.points; ++r)
    for (std::size_t c : cols) out.push_back(table.at(static_cast<std::size_t>(r), c));
  return out;
}

std::vector<std::vector<double>> roll_out(WindowModel& m,
                                          const std::vector<std::vector<double>>& seeds,
                                          int64_t steps, const RolloutStop& done) {
  const auto width = static_cast<int64_t>(m.columns.size());
  const auto k = m.points;
  const auto batch = static_cast<int64_t>(seeds.size());
  std::vector<std::vector<double>> out(seeds.size());
  if (batch == 0 || steps <= 0) return out;
  std::vector<double> window;  // [B, k, F], slid one row per step
  for (const auto& s : seeds) {
    if (static_cast<int64_t>(s.size()) != k * width)
      throw std::invalid_argument(
          fmt::format("roll_out: a seed of {} values for a window of {} x {}", s.size(), k, width));
    window.insert(window.end(), s.begin(), s.end());
  }
  std::vector<bool> stopped(seeds.size(), false);
  std::size_t running = seeds.size();
  NoGradGuard no_grad;
  for (int64_t step = 0; step < steps && running > 0; ++step) {
    const Tensor x = from_vector(window, {batch, k, width}, DType::Float32);
    auto next = (*m.model)(x).to_vector<double>();
    if (static_cast<int64_t>(next.size()) != batch * width)
      throw std::invalid_argument(
          fmt::format("'{}' predicts {} values per point; a roll-out needs the {} it reads",
                      m.path.string(), static_cast<int64_t>(next.size()) / batch, width));
    for (int64_t b = 0; b < batch; ++b) {
      double* row = next.data() + b * width;
      if (m.predicts_difference) {  // the point = the last one plus the predicted step
        const double* last = window.data() + (b * k + k - 1) * width;
        for (int64_t f = 0; f < width; ++f) row[f] += last[f];
      }
      auto& mine = out[static_cast<std::size_t>(b)];
      if (stopped[static_cast<std::size_t>(b)]) {
        mine.insert(mine.end(), static_cast<std::size_t>(width),
                    std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      mine.insert(mine.end(), row, row + width);
      if (done && done(static_cast<std::size_t>(b), row)) {
        stopped[static_cast<std::size_t>(b)] = true;
        --running;
      }
      double* w = window.data() + b * k * width;  // drop the oldest point, append the new one
      std::copy(w + width, w + k * width, w);
      std::copy(row, row + width, w + (k - 1) * width);
    }
  }
  return out;
}

double landing_x(const std::vector<double>& rows, std::size_t width, std::size_t cx,
                 std::size_t cy) {
  const std::size_t n = rows.size() / width;
  for (std::size_t i = 1; i < n; ++i) {
    const double y0 = rows[(i - 1) * width + cy], y1 = rows[i * width + cy];
    if (!std::isfinite(y1)) break;
    if (y0 > 0 && y1 <= 0) {
      const double x0 = rows[(i - 1) * width + cx], x1 = rows[i * width + cx];
      return x0 + (x1 - x0) * y0 / (y0 - y1);
    }
  }
  return std::numeric_limits<double>::quiet_NaN();
}

double departure_time(const OdeTable& truth, std::size_t truth_cx, std::size_t truth_cy,
                      const std::vector<double>& predicted, std::size_t width, std::size_t cx,
                      std::size_t cy, int64_t k, double distance) {
  const std::size_t rows = predicted.size() / width;
  for (std::size_t i = 0; i < rows; ++i) {
    const std::size_t r = static_cast<std::size_t>(k) + i;
    if (r >= truth.rows()) break;
    const double dx = predicted[i * width + cx] - truth.at(r, truth_cx);
    const double dy = predicted[i * width + cy] - truth.at(r, truth_cy);
    if (!(std::hypot(dx, dy) <= distance)) return truth.times[r];  // NaN departs too
  }
  return std::numeric_limits<double>::infinity();
}

}  // namespace scidl::sci
