// AtomicFileWriter: readers see the old file or the whole new one, never a half-written file.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "scidl/io/file_io.h"

namespace scidl::io {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

fs::path fresh_dir(const char* name) {
  const fs::path dir = fs::temp_directory_path() / (std::string(name) + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(AtomicFileWriter, ReplacesTheTargetOnlyOnCommit) {
  const fs::path dir = fresh_dir("scidl_atomic_");
  const fs::path target = dir / "data.csv";
  write_file_atomically(target, "old\n");
  {
    AtomicFileWriter file(target);
    file.write("new, but abandoned\n");
    EXPECT_EQ(slurp(target), "old\n") << "nothing visible before commit";
  }  // destroyed without commit: as if the writer crashed
  EXPECT_EQ(slurp(target), "old\n");
  AtomicFileWriter file(target);
  fmt::print(file.stream(), "new {}\n", 42);
  file.commit();
  EXPECT_EQ(slurp(target), "new 42\n");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u) << "no temporary files are left behind";
  fs::remove_all(dir);
}

TEST(AtomicFileWriter, NamesThePathWhenTheDirectoryIsMissing) {
  try {
    write_file_atomically("/nonexistent-scidl-dir/out.csv", "x");
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-scidl-dir/out.csv.tmp-"), std::string::npos)
        << e.what();
  }
}

TEST(AtomicFileWriter, TemporaryNamesAreRecognisable) {
  EXPECT_TRUE(is_atomic_temp_file("runs/run_00001.csv.tmp-123-4"));
  EXPECT_FALSE(is_atomic_temp_file("runs/run_00001.csv"));
}

}  // namespace
}  // namespace scidl::io
