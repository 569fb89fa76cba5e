// Where this process stands in a job of several: its rank, the job's size and its rank on this
// machine, read from the variables the launcher sets, in this order of precedence:
//   Open MPI's mpirun  OMPI_COMM_WORLD_RANK, _SIZE, _LOCAL_RANK, _LOCAL_SIZE
//   Slurm's srun       SLURM_PROCID, SLURM_STEP_NUM_TASKS, SLURM_LOCALID (the step's task count:
//                      SLURM_NTASKS is the allocation's, and a batch script's own shell, which
//                      has SLURM_PROCID too, has no step)
//   torchrun           RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE
// mpirun inside a Slurm allocation sets both of the first, and its own describe the ranks.
#pragma once
#include <functional>
#include <optional>
#include <string>

namespace scidl::dist {

struct Launch {
  std::string launcher;  // "open-mpi", "slurm", "torchrun"
  int rank = 0;
  int size = 1;
  int local_rank = 0;
  int local_size = 1;
};

// Reads the variables through `getenv` (std::getenv unless a test passes its own); nothing when
// no launcher set them. A variable that is set but not a number in range is refused, naming it.
using EnvLookup = std::function<const char*(const char*)>;
std::optional<Launch> detect_launch(const EnvLookup& getenv = {});

// "HOST ADDRESS": this machine's name and its first IPv4 address that is up and not loopback
// (hosts that share a name, as network namespaces of one machine do, differ in it), for errors
// that name where a rank runs. "HOST" alone when the machine has no such address.
std::string this_host_address();

}  // namespace scidl::dist
