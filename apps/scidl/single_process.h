// Commands that run their own processes on one machine (tune's trials, automl's folds) refuse to
// be started as the ranks of a job: under mpirun or srun, each rank would run the whole command
// into the same folder.
#pragma once
#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "scidl/dist/launch.h"

namespace scidl::cli {

inline void refuse_job_ranks(const std::string& command) {
  const auto launch = scidl::dist::detect_launch();
  if (!launch || launch->size <= 1) return;
  throw std::invalid_argument(fmt::format(
      "scidl {} was started as rank {} of {} by {}: it runs its own processes on this machine, "
      "and every rank would write the same folder; start it once, without mpirun or srun",
      command, launch->rank, launch->size, launch->launcher));
}

}  // namespace scidl::cli
