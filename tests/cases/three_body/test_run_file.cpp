// Run files round-trip exactly, and any damage is caught and named.
#include <gtest/gtest.h>

#include <fmt/core.h>

#include <cmath>
#include <string>
#include <tuple>

#include "scidl/cases/three_body/run_file.h"

namespace scidl::sci {
namespace {

ThreeBodyRun small_run() {
  ThreeBodyRun run;
  run.run_id = 42;
  run.x2 = -0.1234567890123456789;
  run.y2 = 0.3;
  run.converged = true;
  run.precision = {1e-20, 112};
  run.phase_space_distance = 3.5e-9;
  run.relative_energy_error = 1.25e-18;
  run.wall_seconds = 0.75;
  run.attempts = 4;
  run.grid = OutputGrid::covering(0.02, 1.0 / 256);
  for (int k = 0; k < run.grid.rows * 12; ++k) run.states.push_back(std::sin(k) / 3.0);
  return run;
}

std::string error_for(const std::string& text) {
  try {
    parse_run_file(text, "runs/run_00042.csv");
  } catch (const RunFileCorrupt& e) {
    return e.what();
  }
  return "parsed";
}

TEST(ThreeBodyRunFile, RoundTripsEveryDoubleExactly) {
  const ThreeBodyRun run = small_run();
  const ThreeBodyRun back = parse_run_file(format_run_file(run), "memory");
  EXPECT_EQ(back.run_id, 42);
  EXPECT_EQ(back.x2, run.x2);
  EXPECT_EQ(back.precision.bits, 112);
  EXPECT_EQ(back.precision.tolerance, 1e-20);
  EXPECT_EQ(back.relative_energy_error, run.relative_energy_error);
  EXPECT_EQ(back.grid.rows, run.grid.rows);
  EXPECT_EQ(back.states, run.states);
  EXPECT_TRUE(back.converged);
}

TEST(ThreeBodyRunFile, DetectsAnEditedValueByChecksumAndNamesTheFile) {
  std::string text = format_run_file(small_run());
  text[text.find("\n0,") + 3] = '7';
  const std::string error = error_for(text);
  EXPECT_NE(error.find("runs/run_00042.csv is corrupt"), std::string::npos) << error;
  EXPECT_NE(error.find("checksum mismatch"), std::string::npos) << error;
}

TEST(ThreeBodyRunFile, DetectsATruncatedFile) {
  const std::string text = format_run_file(small_run());
  EXPECT_NE(error_for(text.substr(0, text.size() / 2)).find("cut short"), std::string::npos);
  EXPECT_NE(error_for(text.substr(0, text.rfind("# checksum"))).find("checksum line is missing"),
            std::string::npos);
  EXPECT_NE(error_for("").find("empty"), std::string::npos);
}

TEST(ThreeBodyRunFile, DetectsAWrongRowCountEvenWithAValidChecksum) {
  // Someone drops a row and recomputes the checksum: the header's row count still catches it.
  std::string text = format_run_file(small_run());
  text = text.substr(0, text.rfind("# checksum"));
  const std::size_t last_row = text.rfind('\n', text.size() - 2);
  text = text.substr(0, last_row + 1);
  text += fmt::format("# checksum=fnv1a64:{:016x}\n", fnv1a64(text));
  EXPECT_NE(error_for(text).find("data rows but its header says"), std::string::npos);
}

// Found by tests/fuzz/fuzz_run_file: a count in the header that no int holds ("bits=9.4e11")
// was cast anyway (undefined behaviour), and "rows" reserved memory before a row was read.
TEST(ThreeBodyRunFile, CountsOutOfRangeAreRefusedNamingTheField) {
  const std::string good = format_run_file(small_run());
  const std::string body = good.substr(0, good.rfind("# checksum"));
  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = body;
    text.replace(text.find(from), from.size(), to);
    return text + fmt::format("# checksum=fnv1a64:{:016x}\n", fnv1a64(text));
  };
  for (const auto& [from, to, field] :
       {std::tuple{"# bits=112", "# bits=9.4e11", "bits"},
        std::tuple{"# bits=112", "# bits=-3", "bits"},
        std::tuple{"# attempts=4", "# attempts=nan", "attempts"},
        std::tuple{"# run_id=42", "# run_id=4.5", "run_id"},
        std::tuple{"# rows=", "# rows=1e300\n# old_rows=", "rows"}}) {
    const std::string error = error_for(with(from, to));
    EXPECT_NE(error.find("runs/run_00042.csv is corrupt: header field '" + std::string(field) +
                         "'"),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("not a whole number"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace scidl::sci
