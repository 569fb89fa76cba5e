#include "scidl/dist/mpi_communicator.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "scidl/dist/launch.h"

#ifdef SCIDL_WITH_MPI
#include <mpi.h>
#endif

namespace scidl::dist {

bool mpi_available() {
#ifdef SCIDL_WITH_MPI
  return true;
#else
  return false;
#endif
}

#ifndef SCIDL_WITH_MPI

struct MpiCommunicator::Requests {};
struct MpiCommunicator::Reductions {};
MpiCommunicator::MpiCommunicator() {
  throw CommunicationError(
      "this scidl was built without MPI (CMake found none): install Debian's libopenmpi-dev and "
      "rebuild to train across processes");
}
MpiCommunicator::~MpiCommunicator() = default;
std::string MpiCommunicator::name() const { return "MPI (not built)"; }
void MpiCommunicator::all_reduce_sum(float*, int64_t, const std::string&) {}
void MpiCommunicator::all_reduce_sum(double*, int64_t, const std::string&) {}
void MpiCommunicator::start_all_reduce(Part) {}
void MpiCommunicator::progress() {}
void MpiCommunicator::finish_all_reduces(const std::string&) {}
void MpiCommunicator::broadcast(void*, int64_t, int, const std::string&) {}
std::vector<uint64_t> MpiCommunicator::all_gather(uint64_t v, const std::string&) { return {v}; }
void MpiCommunicator::send(const void*, int64_t, int, int, const std::string&) {}
void MpiCommunicator::recv(void*, int64_t, int, int, const std::string&) {}
void MpiCommunicator::wait_sends(const std::string&) {}
void MpiCommunicator::abort(int status) { std::exit(status); }

#else

namespace {

// Point-to-point tags of the liveness probe (collectives do not use tags).
constexpr int kProbeTag = 31001;
constexpr int kAnswerTag = 31002;
constexpr int64_t kChunk = int64_t{1} << 30;  // MPI counts are int

void check(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw CommunicationError(fmt::format("{} failed: {}", call, std::string(text, size_t(length))));
}

}  // namespace

struct MpiCommunicator::Requests {
  std::vector<MPI_Request> list;
};

// The all-reduces start_all_reduce() began, and a thread that tests them every kPollInterval
// until finish_all_reduces(): Open MPI advances a non-blocking collective (its rendezvous, the
// next fragments over TCP) only inside MPI calls, and the thread computing backward makes none.
// One mutex serialises the two threads' MPI calls (MPI_THREAD_SERIALIZED); the thread polls only
// while sums are outstanding, so every other call of the communicator runs alone.
struct MpiCommunicator::Reductions {
  static constexpr auto kPollInterval = std::chrono::microseconds(100);
  Requests requests;
  std::mutex mutex;
  std::condition_variable wake;
  bool polling = false, stopping = false;
  std::thread thread;

  // The thread stops testing (and is out of MPI) when this returns.
  void pause() {
    std::lock_guard lock(mutex);
    polling = false;
  }
  void poll() {
    std::unique_lock lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return polling || stopping; });
      if (stopping) return;
      int done = 0;
      MPI_Testall(int(requests.list.size()), requests.list.data(), &done, MPI_STATUSES_IGNORE);
      if (done) {
        polling = false;
        continue;
      }
      lock.unlock();
      std::this_thread::sleep_for(kPollInterval);
      lock.lock();
    }
  }
  ~Reductions() {
    if (!thread.joinable()) return;
    {
      std::lock_guard lock(mutex);
      stopping = true;
    }
    wake.notify_one();
    thread.join();
  }
};

MpiCommunicator::MpiCommunicator() {
  int initialised = 0;
  MPI_Initialized(&initialised);
  if (!initialised) {
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread");
    finalize_ = true;
  }
  int level = 0;
  MPI_Query_thread(&level);
  sends_ = std::make_unique<Requests>();
  reductions_ = std::make_unique<Reductions>();
  if (level >= MPI_THREAD_SERIALIZED)
    reductions_->thread = std::thread([r = reductions_.get()] { r->poll(); });
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;  // the ranks on this machine
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node);
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_size(node, &local_size_);
  MPI_Comm_free(&node);
  // Where each rank runs, for the errors that name a rank that does not answer. The first
  // collective: ranks that cannot reach each other at all time out here.
  constexpr int kPlace = 96;
  std::string here = this_host_address();
  here.resize(kPlace - 1);
  std::vector<char> all(size_t(size_) * kPlace);
  Requests r;
  r.list.emplace_back();
  check(MPI_Iallgather(here.c_str(), kPlace, MPI_CHAR, all.data(), kPlace, MPI_CHAR, MPI_COMM_WORLD,
                       &r.list.back()),
        "MPI_Iallgather");
  wait(r, "the exchange of the ranks' hosts at the start");
  for (int i = 0; i < size_; ++i) places_.emplace_back(all.data() + size_t(i) * kPlace);
}

MpiCommunicator::~MpiCommunicator() {
  reductions_.reset();  // its thread stops before MPI does
  if (finalize_) MPI_Finalize();
}

std::string MpiCommunicator::name() const {
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);
  std::string v(version, size_t(length));
  if (auto comma = v.find_first_of(",\n"); comma != std::string::npos) v.resize(comma);
  return fmt::format("MPI ({})", v);
}

void MpiCommunicator::answer_probes() {
  for (;;) {
    int pending = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kProbeTag, MPI_COMM_WORLD, &pending, &status);
    if (!pending) return;
    long long asked = 0;
    MPI_Recv(&asked, 1, MPI_LONG_LONG, status.MPI_SOURCE, kProbeTag, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    long long here = collectives_;
    MPI_Send(&here, 1, MPI_LONG_LONG, status.MPI_SOURCE, kAnswerTag, MPI_COMM_WORLD);
  }
}

void MpiCommunicator::wait(Requests& r, const std::string& what, bool collective) {
  // Sums started and never waited for (a backward that threw) are tested here from now on.
  reductions_->pause();
  if (collective) ++collectives_;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  for (int64_t polls = 0;; ++polls) {
    int done = 0;
    check(MPI_Testall(int(r.list.size()), r.list.data(), &done, MPI_STATUSES_IGNORE),
          "MPI_Testall");
    if (done) return;
    // Spin while the others are about to arrive (a step's ranks finish together), then poll
    // gently: a rank that waits long should leave its core to the ranks still computing.
    if (polls > 20000) {
      answer_probes();
      if (std::chrono::steady_clock::now() > deadline) time_out(what);
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
  }
}

void MpiCommunicator::time_out(const std::string& what) {
  // Ask every other rank whether it is alive and where it stands; the ranks waiting in a
  // collective answer within the grace, a hung or dead one never does.
  const auto grace = std::min<std::chrono::milliseconds>(timeout_, std::chrono::seconds(5));
  std::vector<long long> answers(size_t(size_), -1);
  std::vector<MPI_Request> sends, receives(size_t(size_), MPI_REQUEST_NULL);
  long long here = collectives_;
  for (int r = 0; r < size_; ++r) {
    if (r == rank_) continue;
    sends.emplace_back();
    MPI_Isend(&here, 1, MPI_LONG_LONG, r, kProbeTag, MPI_COMM_WORLD, &sends.back());
    MPI_Irecv(&answers[size_t(r)], 1, MPI_LONG_LONG, r, kAnswerTag, MPI_COMM_WORLD,
              &receives[size_t(r)]);
  }
  const auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until) {
    answer_probes();
    int done = 0;
    MPI_Testall(size_, receives.data(), &done, MPI_STATUSES_IGNORE);
    if (done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::vector<std::string> silent, elsewhere;
  for (int r = 0; r < size_; ++r) {
    if (r == rank_) continue;
    int answered = 0;
    MPI_Test(&receives[size_t(r)], &answered, MPI_STATUS_IGNORE);
    if (!answered)
      silent.push_back(places_.empty() ? std::to_string(r)
                                       : fmt::format("{} (on {})", r, places_[size_t(r)]));
    else if (answers[size_t(r)] != here)
      elsewhere.push_back(fmt::format("rank {} waits in collective #{}, this rank in #{}", r,
                                      answers[size_t(r)], here));
  }
  std::string who =
      !silent.empty()
          ? fmt::format(
                "rank{} {} did not join and did not answer within {:.3g} s more (hung, "
                "or dead)",
                silent.size() > 1 ? "s" : "", fmt::join(silent, ", "),
                std::chrono::duration<double>(grace).count()) +
                (places_.empty() ? "; the ranks never reached each other: check that the network "
                                   "interface MPI uses connects their hosts (Open MPI: --mca "
                                   "btl_tcp_if_include)"
                                 : "")
      : !elsewhere.empty() ? fmt::format("the ranks disagree on the order of collectives: {}",
                                         fmt::join(elsewhere, "; "))
                           : std::string(
                                 "every rank answered: they are alive and waiting, for "
                                 "one another (a message sent that was never received, "
                                 "or the reverse)");
  throw CommunicationError(
      fmt::format("{} did not complete within {:.3g} s: {}; stopping every rank (raise the "
                  "limit with SCIDL_DIST_TIMEOUT_S if a step legitimately takes longer)",
                  what, std::chrono::duration<double>(timeout_).count(), who));
}

void MpiCommunicator::start_all_reduce(Part part) {
  Reductions& r = *reductions_;
  {
    std::lock_guard lock(r.mutex);
    for (int64_t at = 0; at < part.count; at += kChunk) {
      r.requests.list.emplace_back();
      check(MPI_Iallreduce(MPI_IN_PLACE, part.data + at, int(std::min(kChunk, part.count - at)),
                           MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &r.requests.list.back()),
            "MPI_Iallreduce");
    }
    r.polling = r.thread.joinable();
  }
  r.wake.notify_one();
}

void MpiCommunicator::progress() {
  Reductions& r = *reductions_;
  if (r.thread.joinable() || r.requests.list.empty()) return;  // the thread polls them
  int done = 0;
  check(
      MPI_Testall(int(r.requests.list.size()), r.requests.list.data(), &done, MPI_STATUSES_IGNORE),
      "MPI_Testall");
}

void MpiCommunicator::finish_all_reduces(const std::string& what) {
  Reductions& r = *reductions_;
  wait(r.requests, what);
  r.requests.list.clear();
}

void MpiCommunicator::all_reduce_sum(float* data, int64_t count, const std::string& what) {
  start_all_reduce({data, count});
  finish_all_reduces(what);
}

void MpiCommunicator::all_reduce_sum(double* data, int64_t count, const std::string& what) {
  Requests r;
  for (int64_t at = 0; at < count; at += kChunk) {
    r.list.emplace_back();
    check(MPI_Iallreduce(MPI_IN_PLACE, data + at, int(std::min(kChunk, count - at)), MPI_DOUBLE,
                         MPI_SUM, MPI_COMM_WORLD, &r.list.back()),
          "MPI_Iallreduce");
  }
  wait(r, what);
}

void MpiCommunicator::broadcast(void* data, int64_t bytes, int root, const std::string& what) {
  Requests r;
  auto* p = static_cast<char*>(data);
  for (int64_t at = 0; at < bytes; at += kChunk) {
    r.list.emplace_back();
    check(MPI_Ibcast(p + at, int(std::min(kChunk, bytes - at)), MPI_BYTE, root, MPI_COMM_WORLD,
                     &r.list.back()),
          "MPI_Ibcast");
  }
  wait(r, what);
}

std::vector<uint64_t> MpiCommunicator::all_gather(uint64_t value, const std::string& what) {
  std::vector<uint64_t> out(static_cast<size_t>(size_));
  Requests r;
  r.list.emplace_back();
  check(MPI_Iallgather(&value, 1, MPI_UINT64_T, out.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD,
                       &r.list.back()),
        "MPI_Iallgather");
  wait(r, what);
  return out;
}

void MpiCommunicator::send(const void* data, int64_t bytes, int to, int tag,
                           const std::string& what) {
  if (to < 0 || to >= size_ || to == rank_)
    throw std::logic_error(
        fmt::format("{}: rank {} cannot send to rank {} of {}", what, rank_, to, size_));
  auto* p = static_cast<const char*>(data);
  for (int64_t at = 0; at < bytes; at += kChunk) {
    sends_->list.emplace_back();
    check(MPI_Isend(p + at, int(std::min(kChunk, bytes - at)), MPI_BYTE, to, tag, MPI_COMM_WORLD,
                    &sends_->list.back()),
          "MPI_Isend");
  }
}

void MpiCommunicator::recv(void* data, int64_t bytes, int from, int tag, const std::string& what) {
  if (from < 0 || from >= size_ || from == rank_)
    throw std::logic_error(
        fmt::format("{}: rank {} cannot receive from rank {} of {}", what, rank_, from, size_));
  Requests r;
  auto* p = static_cast<char*>(data);
  for (int64_t at = 0; at < bytes; at += kChunk) {
    r.list.emplace_back();
    check(MPI_Irecv(p + at, int(std::min(kChunk, bytes - at)), MPI_BYTE, from, tag, MPI_COMM_WORLD,
                    &r.list.back()),
          "MPI_Irecv");
  }
  wait(r, fmt::format("{} from rank {}", what, from), false);
}

void MpiCommunicator::wait_sends(const std::string& what) {
  wait(*sends_, what, false);
  sends_->list.clear();
}

void MpiCommunicator::abort(int status) {
  reductions_->pause();
  std::fflush(stdout);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, status);
  std::exit(status);  // MPI_Abort does not return; this satisfies [[noreturn]]
}

#endif

void SingleProcessCommunicator::abort(int status) { std::exit(status); }

void SingleProcessCommunicator::send(const void*, int64_t, int to, int, const std::string& what) {
  throw std::logic_error(fmt::format("{}: a single process has no rank {} to send to", what, to));
}

void SingleProcessCommunicator::recv(void*, int64_t, int from, int, const std::string& what) {
  throw std::logic_error(
      fmt::format("{}: a single process has no rank {} to receive from", what, from));
}

std::unique_ptr<Communicator> communicator_from_launch() {
  const auto launch = detect_launch();
  if (!launch) return nullptr;
  if (launch->launcher == "torchrun")
    throw CommunicationError(fmt::format(
        "scidl was started by torchrun (RANK={}, WORLD_SIZE={}), whose rendezvous it cannot "
        "join: scidl's ranks talk over MPI; launch with `mpirun -np {} scidl ...` (or `srun -n "
        "{}` under Slurm) instead",
        launch->rank, launch->size, launch->size, launch->size));
  if (!mpi_available() && launch->size == 1) return nullptr;  // one rank talks to nobody
  // Open MPI joins an srun step only through PMIx; without it MPI_Init aborts unexplained.
  if (launch->launcher == "slurm" && launch->size > 1 && !std::getenv("PMIX_RANK"))
    throw CommunicationError(fmt::format(
        "srun started scidl as rank {} of {} without PMIx, the only way Open MPI joins a Slurm "
        "step: launch with `srun --mpi=pmix -n {} scidl ...` (or set MpiDefault=pmix in "
        "slurm.conf, as scripts/slurm_start.sh does), or call mpirun inside an sbatch script",
        launch->rank, launch->size, launch->size));
  std::unique_ptr<Communicator> c = std::make_unique<MpiCommunicator>();  // throws without MPI
  if (c->size() != launch->size)
    throw CommunicationError(fmt::format(
        "the launcher ({}) says the job has {} ranks but MPI sees {}: this scidl's MPI is not "
        "the launcher's (srun needs an MPI plugin, e.g. `srun --mpi=pmix`; or launch with mpirun)",
        launch->launcher, launch->size, c->size()));
  if (const char* text = std::getenv("SCIDL_DIST_TIMEOUT_S"); text && *text) {
    char* end = nullptr;
    const double seconds = std::strtod(text, &end);
    if (*end || !(seconds > 0) || seconds > 1e6)
      throw CommunicationError(fmt::format(
          "SCIDL_DIST_TIMEOUT_S='{}' is not a number of seconds from 0 to 1e6 (how long a rank "
          "waits for the others before stopping the job)",
          text));
    c->set_timeout(std::chrono::milliseconds(int64_t(seconds * 1000)));
  }
  return c;
}

}  // namespace scidl::dist
