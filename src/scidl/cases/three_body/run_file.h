// One finished three-body run on disk (DIR/runs/run_XXXXX.csv): a few "# key=value" header lines
// (run id, initial x2, convergence, precision, energy error, timing, grid), a CSV table
//   t,x1,y1,x2,y2,x3,y3,vx1,vy1,vx2,vy2,vx3,vy3
// with one row per output time (%.17g, so doubles round-trip exactly), and a closing line
//   # checksum=fnv1a64:<16 hex digits>
// over every byte before it. Contract: read_run_file() either returns exactly what was written
// or throws RunFileCorrupt naming the file and the problem (truncated, edited, wrong row count).
#pragma once
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "scidl/sci/nbody_integration.h"

namespace scidl::sci {

struct ThreeBodyRun {
  std::int64_t run_id = 0;
  double x2 = 0, y2 = 0;  // initial position of particle 2
  bool converged = false;
  Precision precision;               // of the stored trajectory
  double phase_space_distance = -1;  // between the two agreeing (or last compared) rungs
  double relative_energy_error = 0;
  double angular_momentum_drift = 0;
  double wall_seconds = 0;
  double cpu_seconds = -1;  // -1: not recorded (files from before it was)
  int attempts = 0;
  std::string note;  // why not converged, when not
  OutputGrid grid;
  std::vector<double> states;  // grid.rows × 12, layout of nbody.h
};

class RunFileCorrupt : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::uint64_t fnv1a64(std::string_view bytes);

std::string format_run_file(const ThreeBodyRun& run);
ThreeBodyRun parse_run_file(std::string_view text, const std::string& name_for_errors);
ThreeBodyRun read_run_file(const std::filesystem::path& path);

// DIR/runs/run_00042.csv
std::filesystem::path run_file_path(const std::filesystem::path& dataset_dir, std::int64_t run_id);

}  // namespace scidl::sci
