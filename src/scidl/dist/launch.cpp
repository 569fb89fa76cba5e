#include "scidl/dist/launch.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <stdexcept>

namespace scidl::dist {

namespace {

struct Names {
  const char* launcher;
  const char *rank, *size, *local_rank, *local_size;  // local_size may be null: not set
};

// Open MPI first: under `sbatch` + `mpirun`, Slurm's variables describe the batch step (one task).
constexpr Names kLaunchers[] = {
    {"open-mpi", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
     "OMPI_COMM_WORLD_LOCAL_SIZE"},
    {"slurm", "SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID", nullptr},
    {"torchrun", "RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE"},
};

int read_int(const EnvLookup& env, const char* name, int fallback, int low, int high) {
  const char* text = env(name);
  if (!text || !*text) return fallback;
  int value = 0;
  const char* end = text + std::char_traits<char>::length(text);
  auto [at, error] = std::from_chars(text, end, value);
  if (error != std::errc() || at != end || value < low || value > high)
    throw std::invalid_argument(fmt::format(
        "the launcher's variable {}='{}' is not a whole number from {} to {}; scidl reads the "
        "job's ranks from it (unset it, or launch with mpirun, srun or torchrun)",
        name, text, low, high));
  return value;
}

}  // namespace

std::optional<Launch> detect_launch(const EnvLookup& lookup) {
  const EnvLookup env = lookup ? lookup : EnvLookup([](const char* n) { return std::getenv(n); });
  for (const Names& n : kLaunchers) {
    const char* size_text = env(n.size);
    if (!size_text || !*size_text) continue;
    Launch l;
    l.launcher = n.launcher;
    l.size = read_int(env, n.size, 1, 1, 1 << 24);
    l.rank = read_int(env, n.rank, 0, 0, l.size - 1);
    l.local_rank = read_int(env, n.local_rank, 0, 0, l.size - 1);
    l.local_size = n.local_size ? read_int(env, n.local_size, 1, 1, l.size) : 1;
    if (!n.local_size) {  // Slurm: tasks on this node, when it says so ("2" or "2(x3)")
      if (const char* per_node = env("SLURM_NTASKS_PER_NODE"); per_node && *per_node)
        l.local_size = std::max(1, std::atoi(per_node));
      else
        l.local_size = l.local_rank + 1;
    }
    if (l.local_rank >= l.local_size) l.local_size = l.local_rank + 1;
    return l;
  }
  return std::nullopt;
}

}  // namespace scidl::dist
