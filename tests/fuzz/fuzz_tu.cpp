// libFuzzer target: the TU-format reader (data/tu_dataset.h). The input is split at its first
// two 0xFF bytes into NAME_A.txt, NAME_graph_indicator.txt and NAME_graph_labels.txt (a missing
// part is an empty file), written to one folder, and read with PyG's preprocessing.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scidl/data/tu_dataset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("scidl-fuzz-tu-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  std::string parts[3];
  size_t part = 0;
  for (char c : bytes) {
    if (static_cast<unsigned char>(c) == 0xFF && part < 2)
      ++part;
    else
      parts[part] += c;
  }
  const char* names[3] = {"A", "graph_indicator", "graph_labels"};
  for (int i = 0; i < 3; ++i)
    std::ofstream(dir / ("T_" + std::string(names[i]) + ".txt")) << parts[i];
  try {
    scidl::data::read_tu_dataset(dir, "T");
  } catch (const std::exception&) {
  }
  return 0;
}
