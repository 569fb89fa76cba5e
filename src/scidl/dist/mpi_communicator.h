// The communicator over MPI (Debian's Open MPI), for processes started by mpirun or srun.
// MPI is initialised here (MPI_THREAD_SERIALIZED: the thread that made the communicator, and one
// of its own that advances started all-reduces while backward runs; never the compute threads)
// and finalised by the destructor. Every collective is started
// non-blocking and polled against the timeout; while a rank waits it answers the others' probes,
// so a rank that times out asks each other rank whether it is alive and waiting, and names the
// ones that do not answer (hung, or dead) in its error.
#pragma once
#include <memory>

#include "scidl/dist/communicator.h"

namespace scidl::dist {

class MpiCommunicator final : public Communicator {
 public:
  MpiCommunicator();  // MPI_Init_thread; throws when MPI is not in this build
  ~MpiCommunicator() override;
  MpiCommunicator(const MpiCommunicator&) = delete;
  MpiCommunicator& operator=(const MpiCommunicator&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_rank() const override { return local_rank_; }
  int local_size() const override { return local_size_; }
  std::string name() const override;

  void all_reduce_sum(float* data, int64_t count, const std::string& what) override;
  void all_reduce_sum(double* data, int64_t count, const std::string& what) override;
  void start_all_reduce(Part part) override;
  void progress() override;
  void finish_all_reduces(const std::string& what) override;
  void broadcast(void* data, int64_t bytes, int root, const std::string& what) override;
  std::vector<uint64_t> all_gather(uint64_t value, const std::string& what) override;
  void send(const void* data, int64_t bytes, int to, int tag, const std::string& what) override;
  void recv(void* data, int64_t bytes, int from, int tag, const std::string& what) override;
  void wait_sends(const std::string& what) override;
  [[noreturn]] void abort(int status) override;

 private:
  struct Requests;
  // `collective`: counted in what a probe's answer says (point-to-point messages are not: the
  // ranks of a pipeline exchange different numbers of them).
  void wait(Requests& requests, const std::string& what, bool collective = true);
  void answer_probes();
  [[noreturn]] void time_out(const std::string& what);

  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  std::vector<std::string> places_;  // each rank's "HOST ADDRESS" (this_host_address)
  int64_t collectives_ = 0;          // how many this rank has started: what a probe's answer says
  bool finalize_ = false;
  std::unique_ptr<Requests> sends_;  // started by send(), waited for by wait_sends()
  struct Reductions;
  std::unique_ptr<Reductions> reductions_;  // start_all_reduce()'s, and the thread polling them
};

}  // namespace scidl::dist
