#include "scidl/tune/trial_executor.h"

#include <algorithm>
#include <thread>

#include "scidl/tune/local_executor.h"
#include "scidl/tune/slurm_executor.h"
#include "scidl/tune/tune_config.h"

namespace scidl::tune {

std::unique_ptr<TrialExecutor> make_executor(const TuneConfig& config, int concurrency,
                                             const std::filesystem::path& study_dir) {
  if (config.executor == "slurm")
    return std::make_unique<SlurmExecutor>(config.slurm, study_dir / "jobs");
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  return std::make_unique<LocalExecutor>(std::max(1, cores / std::max(1, concurrency)));
}

}  // namespace scidl::tune
