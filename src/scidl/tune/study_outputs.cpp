#include "scidl/tune/study_outputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "scidl/data/csv.h"
#include "scidl/io/file_io.h"
#include "scidl/io/plot_png.h"
#include "scidl/io/plot_svg.h"
#include "scidl/io/tensorboard_writer.h"

namespace scidl::tune {

namespace {

std::string trial_name(int64_t id) { return fmt::format("trial_{:04d}", id); }

std::string value_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:.6g}", v.get<double>());
  return v.dump();
}

std::string csv_line(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) line += ',';
    line += data::csv_cell(cells[i]);
  }
  return line + "\n";
}

std::string number_text(double v) { return std::isnan(v) ? "" : fmt::format("{:.6g}", v); }

std::vector<std::string> header(const TuneConfig& c) {
  std::vector<std::string> h = {"rank", "trial"};
  for (const auto& axis : c.space.axes)
    if (axis.domain.kind != DomainKind::constant) h.push_back(axis.key);
  h.push_back(c.metric);
  h.push_back(fmt::format("best_{}", c.metric));
  for (const char* name : {"epochs", "ended", "seconds"}) h.emplace_back(name);
  return h;
}

std::vector<std::string> cells(const TuneConfig& c, const LeaderboardRow& r) {
  std::vector<std::string> row = {r.rank ? std::to_string(r.rank) : "", trial_name(r.trial.id)};
  for (const auto& axis : c.space.axes)
    if (axis.domain.kind != DomainKind::constant)
      row.push_back(r.trial.params.contains(axis.key) ? value_text(r.trial.params[axis.key]) : "");
  row.push_back(r.curve.empty() ? "" : number_text(r.last));
  row.push_back(r.curve.empty() ? "" : number_text(r.best));
  row.push_back(std::to_string(r.trial.epochs));
  row.push_back(trial_ending(r.trial));
  row.push_back(fmt::format("{:.1f}", r.trial.seconds));
  return row;
}

void write_curves(const TuneConfig& c, const std::vector<LeaderboardRow>& rows) {
  io::LineChart chart;
  chart.title =
      fmt::format("{} per epoch, every trial (× where the scheduler stopped one)", c.metric);
  chart.x_label = "epoch";
  chart.y_label = c.metric;
  for (const auto& r : rows) {
    io::PlotSeries s;
    // The legend names the five best; the others are lines without a name.
    if (r.rank >= 1 && r.rank <= 5) s.label = fmt::format("#{} {}", r.rank, trial_name(r.trial.id));
    for (size_t e = 0; e < r.curve.size(); ++e) {
      s.x.push_back(static_cast<double>(e + 1));
      s.y.push_back(r.curve[e]);
    }
    s.end_mark = r.trial.state == TrialState::stopped;
    chart.series.push_back(std::move(s));
  }
  io::write_svg(c.output_dir / "curves.svg", chart);
  io::write_png(c.output_dir / "curves.png", chart);
}

io::HParamValue hparam_value(const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// TensorBoard's HParams view: the experiment in tensorboard/, and beside it one run per trial.
void write_hparams(const TuneConfig& c, const std::vector<LeaderboardRow>& rows) {
  const auto root = c.output_dir / "tensorboard";
  io::HParamsExperiment experiment;
  experiment.name = c.output_dir.filename().string();
  for (const auto& axis : c.space.axes) {
    if (axis.domain.kind == DomainKind::constant) continue;
    io::HParamSpec spec;
    spec.name = axis.key;
    if (!axis.domain.values.empty()) {
      for (const auto& v : axis.domain.values) spec.discrete_domain.push_back(hparam_value(v));
      spec.type = axis.domain.values.front().is_string()    ? io::HParamType::string
                  : axis.domain.values.front().is_boolean() ? io::HParamType::boolean
                                                            : io::HParamType::float64;
    } else {
      spec.type = io::HParamType::float64;
      if (axis.domain.is_numeric_range()) spec.interval = {{axis.domain.low, axis.domain.high}};
    }
    experiment.hparams.push_back(std::move(spec));
  }
  experiment.metrics.push_back({c.metric, "", c.metric, "the metric the study ranks by"});
  io::TensorBoardWriter(root).add_hparams_experiment(experiment);
  for (const auto& r : rows) {
    io::TensorBoardWriter session(root / trial_name(r.trial.id));
    io::HParamMap values;
    for (const auto& [key, v] : r.trial.params.items()) values[key] = hparam_value(v);
    session.session_start(values);
    for (size_t e = 0; e < r.curve.size(); ++e)
      if (std::isfinite(r.curve[e]))
        session.add_scalar(c.metric, r.curve[e], static_cast<int64_t>(e + 1));
    session.session_end(r.trial.state == TrialState::failed ? io::SessionStatus::failure
                                                            : io::SessionStatus::success);
  }
}

}  // namespace

std::string trial_ending(const TrialRow& t) {
  switch (t.state) {
    case TrialState::completed:
      return "completed";
    case TrialState::stopped:
      return fmt::format("stopped: {}", t.stopped_by);
    case TrialState::failed:
      return fmt::format("failed: {}", t.error);
    default:
      return state_name(t.state);
  }
}

std::vector<LeaderboardRow> leaderboard(const TuneConfig& c, const StudyDb& db) {
  std::map<int64_t, std::vector<double>> curves;
  for (const auto& e : db.events()) {
    if (!e.is_result) continue;
    auto& curve = curves[e.trial];
    const auto& v = e.metrics.contains(c.metric) ? e.metrics[c.metric] : nlohmann::json();
    curve.resize(std::max<size_t>(curve.size(), static_cast<size_t>(e.epoch)), std::nan(""));
    if (e.epoch >= 1)
      curve[static_cast<size_t>(e.epoch - 1)] = v.is_number() ? v.get<double>() : std::nan("");
  }
  std::vector<LeaderboardRow> rows;
  for (const auto& t : db.trials()) {
    LeaderboardRow r;
    r.trial = t;
    r.curve = curves[t.id];
    r.last = r.curve.empty() ? std::nan("") : r.curve.back();
    r.best = std::nan("");
    for (double v : r.curve)
      if (!std::isnan(v) && (std::isnan(r.best) || (c.minimize() ? v < r.best : v > r.best)))
        r.best = v;
    rows.push_back(std::move(r));
  }
  const auto ranked = [](const LeaderboardRow& r) {
    return r.trial.state != TrialState::failed && !std::isnan(r.last);
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const LeaderboardRow& a, const LeaderboardRow& b) {
    if (ranked(a) != ranked(b)) return ranked(a);
    if (!ranked(a)) return a.trial.id < b.trial.id;
    return c.minimize() ? a.last < b.last : a.last > b.last;
  });
  int rank = 0;
  for (auto& r : rows)
    if (ranked(r)) r.rank = ++rank;
  return rows;
}

std::string leaderboard_markdown(const TuneConfig& c, const std::vector<LeaderboardRow>& rows) {
  const auto h = header(c);
  std::string md = fmt::format("| {} |\n|", fmt::join(h, " | "));
  for (size_t i = 0; i < h.size(); ++i) md += "---|";
  md += "\n";
  for (const auto& r : rows) {
    auto row = cells(c, r);
    for (auto& cell : row) std::replace(cell.begin(), cell.end(), '|', '/');
    for (auto& cell : row) std::replace(cell.begin(), cell.end(), '\n', ' ');
    md += fmt::format("| {} |\n", fmt::join(row, " | "));
  }
  return md;
}

void write_study_outputs(const TuneConfig& c, const StudyResult& result) {
  const auto db = StudyDb::open(c.output_dir / "study.db", false);
  const auto rows = leaderboard(c, db);
  std::string csv = csv_line(header(c));
  for (const auto& r : rows) csv += csv_line(cells(c, r));
  io::write_file_atomically(c.output_dir / "leaderboard.csv", csv);
  io::write_file_atomically(
      c.output_dir / "leaderboard.md",
      fmt::format("# Study {}\n\n{} trials; metric {} ({}), ranked by its last value.\n\n{}",
                  c.output_dir.string(), rows.size(), c.metric, c.mode,
                  leaderboard_markdown(c, rows)));
  if (result.best_trial >= 0) {
    const auto trial_dir = c.output_dir / "trials" / trial_name(result.best_trial);
    if (std::filesystem::exists(trial_dir / "last.scidl"))
      std::filesystem::copy_file(trial_dir / "last.scidl", c.output_dir / "best_model.scidl",
                                 std::filesystem::copy_options::overwrite_existing);
    std::filesystem::copy_file(c.output_dir / "trials" / (trial_name(result.best_trial) + ".toml"),
                               c.output_dir / "best_config.toml",
                               std::filesystem::copy_options::overwrite_existing);
  }
  write_curves(c, rows);
  write_hparams(c, rows);
}

}  // namespace scidl::tune
