// The run folder's lock names its holder's program to the process it refuses: a study's folder
// says `scidl tune`, a run's `scidl train`, and a record from before programs were recorded
// reads as `scidl train`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "scidl/train/run_lock.h"

namespace {

namespace fs = std::filesystem;
using scidl::train::RunFolderBusy;
using scidl::train::RunFolderLock;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("scidl_run_lock_" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

std::string refusal(const fs::path& dir) {
  try {
    auto second = RunFolderLock::acquire(dir, false);
  } catch (const RunFolderBusy& e) {
    return e.what();
  }
  return "not refused";
}

TEST(RunLock, TheRefusalNamesTheProgramThatHoldsTheFolder) {
  TempDir dir;
  {
    const auto tuner = RunFolderLock::acquire(dir.path, false, "scidl tune");
    const std::string message = refusal(dir.path);
    EXPECT_NE(message.find("is in use by another `scidl tune` (pid " + std::to_string(::getpid())),
              std::string::npos)
        << message;
  }
  const auto run = RunFolderLock::acquire(dir.path, false);
  EXPECT_NE(refusal(dir.path).find("another `scidl train` (pid"), std::string::npos);
}

TEST(RunLock, ARecordWithoutItsProgramIsAScidlTrains) {
  TempDir dir;
  const fs::path file = dir.path / RunFolderLock::kFileName;
  std::ofstream(file) << "pid 1 on host h, since 2026-01-01 00:00:00 UTC\n";
  const int fd = ::open(file.c_str(), O_RDWR);  // held as an older scidl holds it
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const std::string message = refusal(dir.path);
  EXPECT_NE(message.find("another `scidl train` (pid 1 on host h, since 2026-01-01"),
            std::string::npos)
      << message;
  ::close(fd);
}

}  // namespace
