// What every fuzz target here shares: the input is written to a file (the readers under test
// take paths, as the CLI does), the reader runs, and a std::exception is a rejection, which is
// what a malformed file should get. Anything else (a crash, a sanitizer report, a hang, an
// exception that is not a std::exception) is a finding. libFuzzer runs one input at a time per
// process, so one path per process is enough.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>

namespace scidl::fuzz {

// Writes data to a per-process file with the given extension (readers look at it, e.g. ".gz")
// and runs read(path); std::exceptions are swallowed.
template <typename Read>
void on_file(const uint8_t* data, size_t size, const std::string& extension, Read&& read) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                     ("scidl-fuzz-" + std::to_string(::getpid()) + extension);
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    const bool written = size == 0 || std::fwrite(data, 1, size, f) == size;
    std::fclose(f);
    if (!written) return;
  } else {
    return;
  }
  try {
    read(path);
  } catch (const std::exception&) {
    // rejected with a message: the expected outcome for most inputs
  }
}

}  // namespace scidl::fuzz
