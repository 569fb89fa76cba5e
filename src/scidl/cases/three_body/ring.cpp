#include "scidl/cases/three_body/ring.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <numbers>
#include <stdexcept>
#include <thread>

#include "scidl/cases/three_body/breen.h"
#include "scidl/sci/convergence.h"

namespace scidl::sci {

RingResult integrate_ring(const RingSettings& s) {
  if (s.points < 1) throw std::invalid_argument("sensitivity ring: points must be at least 1");
  std::vector<int> rows_of_time;
  for (double t : s.times) {
    const double k = t / s.grid_dt;
    if (t < 0 || std::abs(k - std::round(k)) > 1e-9)
      throw std::invalid_argument(fmt::format(
          "sensitivity ring: time {} is not a non-negative multiple of the grid step {}", t,
          s.grid_dt));
    rows_of_time.push_back(static_cast<int>(std::lround(k)));
  }
  int last_row = 0;
  for (int r : rows_of_time) last_row = std::max(last_row, r);
  const OutputGrid grid{s.grid_dt, last_row + 1};
  const size_t per_point = s.times.size() * 12;

  RingResult out;
  out.states.assign(static_cast<size_t>(s.points) * per_point,
                    std::numeric_limits<double>::quiet_NaN());
  for (int i = 0; i < s.points; ++i) {
    const double angle = 2 * std::numbers::pi * i / s.points;
    out.x2_0.push_back(s.centre_x + s.radius * std::cos(angle));
    out.y2_0.push_back(s.centre_y + s.radius * std::sin(angle));
  }
  std::atomic<int> next{0}, failed{0};
  std::mutex cpu_mutex;
  const auto start = std::chrono::steady_clock::now();
  auto worker = [&] {
    const double cpu0 = thread_cpu_seconds();
    for (int i = next++; i < s.points; i = next++) {
      const NBodyProblem problem = breen_problem({out.x2_0[i], out.y2_0[i]});
      const Trajectory t = integrate_nbody(problem, grid, Precision{s.tolerance, 53});
      if (!t.completed) {
        ++failed;
        continue;
      }
      for (size_t k = 0; k < rows_of_time.size(); ++k) {
        const double* row = t.row(rows_of_time[k]);
        std::copy(row, row + 12,
                  out.states.begin() + static_cast<std::ptrdiff_t>(i * per_point + k * 12));
      }
    }
    const std::lock_guard lock(cpu_mutex);
    out.cpu_seconds += thread_cpu_seconds() - cpu0;
  };
  std::vector<std::thread> pool;
  for (int w = 0; w < std::max(1, s.threads); ++w) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  out.failed = failed;
  out.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace scidl::sci
