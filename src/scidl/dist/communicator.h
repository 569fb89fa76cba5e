// What training across processes needs from them: who this process is among them, collectives
// over plain buffers (an all-reduce of gradients and metric sums, a broadcast of the starting
// weights, an all-gather of the config's hash), and point-to-point messages (a pipeline's
// activations and their gradients, train/pipeline.h). One interface, several
// transports: a single process (every collective is the identity), MPI (mpi_communicator.h);
// NCCL would be a third behind the same calls.
//
// Contract: every rank calls the same collectives in the same order with the same lengths. A
// collective that does not complete within timeout() (a rank that died or hangs) throws
// CommunicationError naming the ranks that did not join, instead of waiting forever; so does a
// receive whose sender never sends, naming it.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace scidl::dist {

class CommunicationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An error every rank of the job raises alike, at the same point (ranks given different configs,
// more ranks than examples): the ranks can stop together, and one of them says it.
class JobError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  virtual int local_rank() const = 0;
  virtual int local_size() const = 0;
  virtual std::string name() const = 0;  // "single process", "MPI (Open MPI 4.1.4)"

  // In place: every rank ends with the elementwise sum over the ranks. `what` names the
  // collective in a timeout's message ("the gradients of step 12").
  virtual void all_reduce_sum(float* data, int64_t count, const std::string& what) = 0;
  virtual void all_reduce_sum(double* data, int64_t count, const std::string& what) = 0;
  // Sums of disjoint float buffers over the ranks, started one by one without waiting and
  // waited for together: how gradient buckets go out while backward still runs. A buffer must
  // stay untouched from start_all_reduce() to finish_all_reduces(); progress() lets the started
  // ones advance (MPI moves a non-blocking collective only inside its calls). Every rank starts
  // the same buffers' sums in the same order. The single-process versions do nothing.
  struct Part {
    float* data;
    int64_t count;
  };
  virtual void start_all_reduce(Part part) = 0;
  virtual void progress() = 0;
  virtual void finish_all_reduces(const std::string& what) = 0;
  // Root's bytes to every rank.
  virtual void broadcast(void* data, int64_t bytes, int root, const std::string& what) = 0;
  // Each rank's value, in rank order, on every rank.
  virtual std::vector<uint64_t> all_gather(uint64_t value, const std::string& what) = 0;
  // Point-to-point. send() starts sending `bytes` to rank `to` and returns at once: the buffer
  // must stay as it is until wait_sends(), which waits for every send started. recv() waits for
  // `bytes` from rank `from`. Messages from one rank to another with one tag arrive in the order
  // sent. `what` names the message in a timeout's message ("the activations of micro-batch 3").
  virtual void send(const void* data, int64_t bytes, int to, int tag, const std::string& what) = 0;
  virtual void recv(void* data, int64_t bytes, int from, int tag, const std::string& what) = 0;
  virtual void wait_sends(const std::string& what) = 0;
  // Ends every rank now, after this one has said why (an error on one rank only).
  [[noreturn]] virtual void abort(int status) = 0;

  std::chrono::milliseconds timeout() const { return timeout_; }
  void set_timeout(std::chrono::milliseconds t) { timeout_ = t; }

 protected:
  std::chrono::milliseconds timeout_{std::chrono::seconds(300)};
};

// Size 1, rank 0: every collective leaves the data as it is.
class SingleProcessCommunicator final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  int local_rank() const override { return 0; }
  int local_size() const override { return 1; }
  std::string name() const override { return "single process"; }
  void all_reduce_sum(float*, int64_t, const std::string&) override {}
  void all_reduce_sum(double*, int64_t, const std::string&) override {}
  void start_all_reduce(Part) override {}
  void progress() override {}
  void finish_all_reduces(const std::string&) override {}
  void broadcast(void*, int64_t, int, const std::string&) override {}
  std::vector<uint64_t> all_gather(uint64_t value, const std::string&) override { return {value}; }
  // There is no other rank: sending or receiving is a caller's mistake.
  void send(const void*, int64_t, int to, int, const std::string& what) override;
  void recv(void*, int64_t, int from, int, const std::string& what) override;
  void wait_sends(const std::string&) override {}
  [[noreturn]] void abort(int status) override;
};

// Whether this build talks MPI (CMake found it: SCIDL_WITH_MPI).
bool mpi_available();

// The communicator of the job this process was launched in: MPI under mpirun or srun, nothing
// when no launcher's variables are set (a plain `scidl train`). A job scidl cannot join (a
// torchrun job, or MPI's variables in a build without MPI) is refused with what to do instead.
// The timeout comes from SCIDL_DIST_TIMEOUT_S (seconds; 300 when unset).
std::unique_ptr<Communicator> communicator_from_launch();

}  // namespace scidl::dist
