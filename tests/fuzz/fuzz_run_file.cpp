// libFuzzer target: a three-body run file (cases/three_body/run_file.h), the files `scidl
// three-body generate` resumes from. Their last line is an FNV-1a checksum of everything before
// it, which would reject almost every mutation first, so the target replaces whatever ends the
// input with the right checksum line: what is fuzzed is the parser behind it.
#include <cstdio>
#include <string>

#include "scidl/cases/three_body/run_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (const size_t at = text.rfind("# checksum="); at != std::string::npos) text.resize(at);
  char line[64];
  std::snprintf(line, sizeof line, "# checksum=fnv1a64:%016llx\n",
                static_cast<unsigned long long>(scidl::sci::fnv1a64(text)));
  text += line;
  try {
    scidl::sci::parse_run_file(text, "fuzz.csv");
  } catch (const std::exception&) {
    // rejected with a message
  }
  return 0;
}
