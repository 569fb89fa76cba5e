// libFuzzer target: a study's record (tune/study_db.h) as a file a user may hand `scidl tune
// --resume`: any bytes, opened and read through, must be refused with a message or read.
#include "fuzz_file.h"
#include "scidl/tune/study_db.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace scidl::tune;
  scidl::fuzz::on_file(data, size, ".db", [](const auto& path) {
    auto db = StudyDb::open(path, false);
    db.get("identity");
    db.trials();
    db.events();
  });
  return 0;
}
