#include "scidl/dist/launch.h"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

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

std::string this_host_address() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::string where = *host ? host : "?";
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return where;
  for (const ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    if (!(a->ifa_flags & IFF_UP) || (a->ifa_flags & IFF_LOOPBACK)) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) {
      where += fmt::format(" {}", text);
      break;
    }
  }
  freeifaddrs(list);
  return where;
}

}  // namespace scidl::dist
