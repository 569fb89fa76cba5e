#include "scidl/train/callbacks/monitor.h"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

#include "scidl/train/metrics.h"

namespace scidl::train {

Monitor::Monitor(std::string name, std::string mode, std::string owner)
    : name_(std::move(name)), owner_(std::move(owner)) {
  if (mode == "min") {
    maximise_ = false;
  } else if (mode == "max") {
    maximise_ = true;
  } else if (mode == "auto") {
    int d = metric_direction(name_);
    if (d == 0)
      throw std::invalid_argument(fmt::format(
          "{}: mode 'auto' cannot tell whether '{}' should go up or down; set mode to 'min' or "
          "'max'",
          owner_, name_));
    maximise_ = d > 0;
  } else {
    throw std::invalid_argument(
        fmt::format("{}: mode is '{}'; choose one of auto, min, max", owner_, mode));
  }
}

double Monitor::value_in(const Logs& logs, int epoch) const {
  auto it = logs.find(name_);
  if (it != logs.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [k, v] : logs) names.push_back(k);
  throw std::invalid_argument(fmt::format(
      "{}: monitor '{}' is not logged (epoch {} logged: {}); set monitor to one of those", owner_,
      name_, epoch + 1, fmt::join(names, ", ")));
}

}  // namespace scidl::train
