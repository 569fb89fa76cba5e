#include "scidl/data/windows.h"

#include <fmt/format.h>

#include <set>

#include "scidl/ops/elementwise.h"
#include "scidl/ops/indexing.h"
#include "scidl/ops/shape_ops.h"

namespace scidl::data {

Dataset make_windows(const Tensor& series, const Tensor& groups, int64_t k, bool difference) {
  if (series.dim() != 2)
    throw std::invalid_argument(fmt::format("windows: the series must be [rows, features], got {}",
                                            shape_str(series.shape())));
  const int64_t rows = series.shape()[0], features = series.shape()[1];
  if (k < 1)
    throw std::invalid_argument(fmt::format("windows: the window must be >= 1, got {}", k));
  std::vector<int64_t> ids = groups.defined() ? groups.to_vector<int64_t>()
                                              : std::vector<int64_t>(static_cast<size_t>(rows), 0);
  if (int64_t(ids.size()) != rows)
    throw std::invalid_argument(fmt::format("windows: {} rows but {} group ids", rows, ids.size()));
  // Windows start at every row t with t .. t+k in one trajectory.
  std::vector<int64_t> starts, start_group;
  std::set<int64_t> seen;
  int64_t begin = 0;
  for (int64_t r = 1; r <= rows; ++r) {
    if (r < rows && ids[size_t(r)] == ids[size_t(begin)]) continue;
    if (!seen.insert(ids[size_t(begin)]).second)
      throw std::invalid_argument(fmt::format(
          "windows: the rows of trajectory {} are not consecutive (it starts again at row {}); "
          "sort the rows by trajectory, then time",
          ids[size_t(begin)], begin + 1));
    for (int64_t t = begin; t + k < r; ++t) {
      starts.push_back(t);
      start_group.push_back(ids[size_t(begin)]);
    }
    begin = r;
  }
  if (starts.empty())
    throw std::invalid_argument(fmt::format(
        "windows: no trajectory has more than {} rows (the window), so there is no window with a "
        "next point; {} rows in {} trajectories",
        k, rows, seen.size()));
  const int64_t n = int64_t(starts.size());
  std::vector<int64_t> rows_in(static_cast<size_t>(n * k)), next(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < k; ++j) rows_in[size_t(i * k + j)] = starts[size_t(i)] + j;
    next[size_t(i)] = starts[size_t(i)] + k;
  }
  Dataset d;
  d.x = reshape(index_select(series, 0, from_vector(rows_in, {n * k})), {n, k, features});
  d.y = index_select(series, 0, from_vector(next, {n}));
  if (difference) {
    for (auto& r : next) --r;  // the window's last row
    d.y = d.y - index_select(series, 0, from_vector(next, {n}));
  }
  d.groups = from_vector(start_group, {n});
  return d;
}

}  // namespace scidl::data
