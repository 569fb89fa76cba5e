// The figures of the three-body report (Breen et al. 2020 Figs. 3-5, plus the energy error),
// each as an io::Figure (drawn to SVG and PNG by io/plot_figure.h) and the CSV of the numbers it
// shows, so a figure can be redrawn elsewhere.
// Contract: states are nbody.h's 12-value rows; runs whose states hold NaN (a failed ring run)
// leave gaps rather than errors; CSV files are written atomically with a header row.
#pragma once
#include <cstdint>
#include <filesystem>
#include <vector>

#include "scidl/cases/three_body/report_data.h"
#include "scidl/cases/three_body/ring.h"
#include "scidl/io/plot_figure.h"

namespace scidl::sci {

// One run seen by the integrator and by the network (raw, and projected onto its energy).
struct ComparedRun {
  std::int64_t run_id = 0;
  bool validation = false;
  double x2_0 = 0, y2_0 = 0, initial_energy = 0;
  std::vector<double> t;
  std::vector<double> integrator, network, projected;  // rows × 12; projected may be empty
  std::vector<double> energy_error(const std::vector<double>& states) const;  // per row
  // The least distance between two of the three bodies at the output times (integrator).
  double closest_approach() const;
};

io::Figure mae_figure(const TrainingCurves& curves);
void write_mae_csv(const std::filesystem::path& path, const TrainingCurves& curves);

io::Figure trajectories_figure(const std::vector<ComparedRun>& runs);
void write_trajectories_csv(const std::filesystem::path& path,
                            const std::vector<ComparedRun>& runs);

io::Figure energy_figure(const std::vector<ComparedRun>& runs);
void write_energy_csv(const std::filesystem::path& path, const std::vector<ComparedRun>& runs);

// network_states: same layout as ring.states (points × times × 12).
io::Figure ring_figure(const RingSettings& settings, const RingResult& ring,
                       const std::vector<double>& network_states);
void write_ring_csv(const std::filesystem::path& path, const RingSettings& settings,
                    const RingResult& ring, const std::vector<double>& network_states);

}  // namespace scidl::sci
