// libFuzzer target: the SMILES reader (data/molecules.h) through RDKit: every line of any bytes
// must either become a molecule or a named failure.
#include "fuzz_file.h"
#include "scidl/data/molecules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  scidl::fuzz::on_file(data, size, ".smi",
                       [](const auto& path) { scidl::data::read_smiles_file(path); });
  return 0;
}
