// One training process per run folder at a time. The lock is flock(2) on RUN/.scidl.lock: the
// kernel releases it when its process ends, however it ends, so a killed run never leaves a lock
// that blocks the next one. The file records the holder (its program, pid, host, start time) for
// the messages:
// a second run is refused at once, naming the holder; a run that finds the record of a holder
// that ended without releasing (killed) says so and takes over.
// Contract: acquire() creates the folder when needed and either returns holding the lock or
// throws RunFolderBusy; the destructor releases it, removes the lock file, and removes the
// folder again when acquire() made it and nothing else was written there.
#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>

namespace scidl::train {

class RunFolderBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RunFolderLock {
 public:
  // `verbose`: print the note when a dead holder's lock is taken over. `program` names this
  // holder in the messages another process gets ("scidl tune", "scidl.train" from Python).
  static RunFolderLock acquire(const std::filesystem::path& dir, bool verbose,
                               const std::string& program = "scidl train");
  RunFolderLock(RunFolderLock&& other) noexcept;
  RunFolderLock& operator=(RunFolderLock&&) = delete;
  RunFolderLock(const RunFolderLock&) = delete;
  ~RunFolderLock();

  static constexpr const char* kFileName = ".scidl.lock";

 private:
  RunFolderLock(std::filesystem::path dir, int fd, bool created_dir);
  std::filesystem::path dir_;
  int fd_ = -1;
  bool created_dir_ = false;
};

}  // namespace scidl::train
