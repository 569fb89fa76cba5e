#include "scidl/cases/three_body/timing.h"

#include <chrono>
#include <vector>

#include "scidl/cases/three_body/report_data.h"
#include "scidl/cases/three_body/surrogate.h"

namespace scidl::sci {

namespace {

double median_call_seconds(nn::Module& model, const std::vector<double>& inputs, double budget,
                           int min_repeats) {
  using clock = std::chrono::steady_clock;
  surrogate_positions(model, inputs);  // warm-up: allocator caches, BLAS threads
  std::vector<double> times;
  const auto start = clock::now();
  while (static_cast<int>(times.size()) < min_repeats ||
         (std::chrono::duration<double>(clock::now() - start).count() < budget &&
          times.size() < 5000)) {
    const auto t0 = clock::now();
    surrogate_positions(model, inputs);
    times.push_back(std::chrono::duration<double>(clock::now() - t0).count());
  }
  return quantile(times, 0.5);
}

}  // namespace

SurrogateTiming time_surrogate(nn::Module& model, int batch_rows, double budget_seconds,
                               int min_repeats) {
  SurrogateTiming t;
  t.batch_rows = std::max(batch_rows, 1);
  t.single_seconds = median_call_seconds(model, {1.0, -0.2, 0.3}, budget_seconds, min_repeats);
  std::vector<double> batch;
  for (int k = 0; k < t.batch_rows; ++k) batch.insert(batch.end(), {k / 256.0, -0.2, 0.3});
  t.batch_seconds = median_call_seconds(model, batch, budget_seconds, min_repeats);
  return t;
}

}  // namespace scidl::sci
