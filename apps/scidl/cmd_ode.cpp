// scidl ode generate|lyapunov|rollout|report: trajectories of a projectile with drag, the double
// pendulum and the Lorenz system from scidl's own Dormand-Prince integrators; their largest
// Lyapunov exponents; and roll-outs of a sequence model trained on them against the integrator,
// up to the chaos map of the double pendulum. See examples/ode/README.md for the whole case.
// Parameter options take one value, a comma list (20,30,40) or a range lo:hi:n (n points, ends
// included); several give every combination. Negative values: --theta1=-50.
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <sstream>

#include "command.h"
#include "option_ranges.h"
#include "scidl/cases/ode/chaos_map.h"
#include "scidl/cases/ode/rollout_report.h"
#include "scidl/data/csv.h"
#include "scidl/io/progress_bar.h"
#include "scidl/sci/lyapunov.h"

namespace {

namespace fs = std::filesystem;
using namespace scidl::sci;

// "a,b,c" or "lo:hi:n".
std::vector<double> parse_values(const std::string& option, const std::string& text) {
  auto number = [&](const std::string& s) {
    try {
      std::size_t used = 0;
      const double v = std::stod(s, &used);
      if (used != s.size() || !std::isfinite(v)) throw std::invalid_argument("");
      return v;
    } catch (const std::exception&) {
      throw std::invalid_argument(fmt::format(
          "{} {}: '{}' is not a number (give a value, a list 20,30,40 or a range lo:hi:n)", option,
          text, s));
    }
  };
  std::vector<std::string> parts;
  std::stringstream ss(text);
  const char sep = text.find(':') != std::string::npos ? ':' : ',';
  for (std::string p; std::getline(ss, p, sep);) parts.push_back(p);
  if (parts.empty()) throw std::invalid_argument(fmt::format("{} is empty", option));
  std::vector<double> out;
  if (sep == ':') {
    if (parts.size() != 3)
      throw std::invalid_argument(
          fmt::format("{} {}: a range is lo:hi:n, e.g. -90:90:19", option, text));
    const double lo = number(parts[0]), hi = number(parts[1]), n = number(parts[2]);
    if (n < 1 || n > 10000 || n != std::floor(n))
      throw std::invalid_argument(fmt::format(
          "{} {}: the number of points must be a whole number from 1 to 10000", option, text));
    for (int i = 0; i < static_cast<int>(n); ++i)
      out.push_back(n == 1 ? lo : lo + (hi - lo) * i / (n - 1));
    return out;
  }
  for (const auto& p : parts) out.push_back(number(p));
  return out;
}

struct ProblemArgs {
  std::string problem = "projectile";
  std::string speed = "500", angle = "30", theta1 = "-20", theta2 = "35", start = "1,1,1";
  double drag = 1e-4, g = 9.81, m1 = 1, m2 = 1, l1 = 1, l2 = 1, sigma = 10, rho = 28,
         beta = 8.0 / 3.0;
  bool linear_drag = false;
  double dt = 0, duration = 0, rtol = 1e-10, atol = 1e-12;
  std::string method = "dop853";

  OdeProblem kind() const { return parse_ode_problem(problem); }
  std::vector<OdeSetup> setups() const {
    OdeSetup base;
    base.problem = kind();
    base.projectile.drag = drag;
    base.projectile.linear_drag = linear_drag;
    base.projectile.g = g;
    base.pendulum = {m1, m2, l1, l2, g};
    base.lorenz = {sigma, rho, beta};
    base.lorenz_start = parse_values("--start", start);
    std::vector<OdeSetup> out;
    if (base.problem == OdeProblem::projectile) {
      for (double v : parse_values("--speed", speed))
        for (double a : parse_values("--angle", angle)) {
          OdeSetup s = base;
          s.projectile.speed = v;
          s.projectile.angle_deg = a;
          out.push_back(s);
        }
    } else if (base.problem == OdeProblem::double_pendulum) {
      for (double t1 : parse_values("--theta1", theta1))
        for (double t2 : parse_values("--theta2", theta2)) {
          OdeSetup s = base;
          s.theta1_deg = t1;
          s.theta2_deg = t2;
          out.push_back(s);
        }
    } else {
      out.push_back(base);
    }
    for (const auto& s : out) make_system(s);  // every parameter checked before any work
    return out;
  }
  TrajectorySettings trajectory() const {
    TrajectorySettings t;
    t.method = parse_runge_kutta_method(method);
    t.integrator.relative_tolerance = rtol;
    t.integrator.absolute_tolerance = atol;
    if (!(rtol > 0 && rtol < 1) || !(atol > 0 && atol < 1))
      throw std::invalid_argument(fmt::format(
          "--rtol {} and --atol {} must lie between 0 and 1 (1e-10 and 1e-12 are usual)", rtol,
          atol));
    t.dt = dt > 0 ? dt : default_dt(kind());
    t.t_end = duration > 0 ? duration : default_duration(kind());
    if (dt < 0 || duration < 0) throw std::invalid_argument("--dt and --duration must be positive");
    return t;
  }
};

void add_problem_options(CLI::App* cmd, const std::shared_ptr<ProblemArgs>& a) {
  cmd->add_option("--problem", a->problem, "projectile, double_pendulum or lorenz")
      ->capture_default_str();
  cmd->add_option("--speed", a->speed, "projectile: launch speed, m/s")->capture_default_str();
  cmd->add_option("--angle", a->angle, "projectile: elevation, degrees")->capture_default_str();
  cmd->add_option("--drag", a->drag,
                  "projectile: drag k, a = -k|v|v (1/m), or -k v (1/s) with --linear-drag")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e3));
  cmd->add_flag("--linear-drag", a->linear_drag, "projectile: drag proportional to the velocity");
  cmd->add_option("--theta1", a->theta1, "double pendulum: upper rod's release angle, degrees")
      ->capture_default_str();
  cmd->add_option("--theta2", a->theta2, "double pendulum: lower rod's release angle, degrees")
      ->capture_default_str();
  // Physical constants: positive, and bounded so a typo cannot start an endless integration.
  const CLI::Validator constant = scidl::cli::positive_at_most(1e6);
  cmd->add_option("--m1", a->m1, "double pendulum: upper mass, kg")
      ->capture_default_str()
      ->check(constant);
  cmd->add_option("--m2", a->m2, "double pendulum: lower mass, kg")
      ->capture_default_str()
      ->check(constant);
  cmd->add_option("--l1", a->l1, "double pendulum: upper rod, m")
      ->capture_default_str()
      ->check(constant);
  cmd->add_option("--l2", a->l2, "double pendulum: lower rod, m")
      ->capture_default_str()
      ->check(constant);
  cmd->add_option("--g", a->g, "gravity, m/s^2")->capture_default_str()->check(constant);
  cmd->add_option("--sigma", a->sigma, "lorenz: sigma")->capture_default_str()->check(constant);
  cmd->add_option("--rho", a->rho, "lorenz: rho")->capture_default_str()->check(constant);
  cmd->add_option("--beta", a->beta, "lorenz: beta")->capture_default_str()->check(constant);
  cmd->add_option("--start", a->start, "lorenz: initial x,y,z")->capture_default_str();
  cmd->add_option("--dt", a->dt,
                  "spacing of the trajectory's points, s (default 0.25 projectile, 0.05 "
                  "pendulum, 0.01 lorenz; a roll-out needs the model's)")
      ->check(CLI::Range(0.0, 1e4));
  cmd->add_option("--duration", a->duration,
                  "length of each trajectory, s (default: to the ground; 20; 50)")
      ->check(CLI::Range(0.0, 1e7));
  cmd->add_option("--method", a->method, "integrator: dop853 or dopri5")->capture_default_str();
  cmd->add_option("--rtol", a->rtol, "relative tolerance")
      ->capture_default_str()
      ->check(scidl::cli::strictly_between(0.0, 1.0));
  cmd->add_option("--atol", a->atol, "absolute tolerance")
      ->capture_default_str()
      ->check(scidl::cli::strictly_between(0.0, 1.0));
}

void generate(const ProblemArgs& a, const std::string& out) {
  const auto setups = a.setups();
  const auto settings = a.trajectory();
  std::vector<std::string> names{"trajectory", "t"};
  const auto columns = table_columns(a.kind());
  names.insert(names.end(), columns.begin(), columns.end());
  std::vector<double> rows;
  int64_t count = 0;
  for (std::size_t i = 0; i < setups.size(); ++i) {
    const auto table = simulate(setups[i], settings);
    for (std::size_t r = 0; r < table.rows(); ++r) {
      rows.push_back(static_cast<double>(i));
      rows.push_back(table.times[r]);
      for (std::size_t c = 0; c < columns.size(); ++c) rows.push_back(table.at(r, c));
      ++count;
    }
    std::string end = table.landed ? fmt::format(", lands at x = {:.1f} m after {:.2f} s",
                                                 table.landing_x, table.landing_time)
                                   : "";
    fmt::print("trajectory {}: {}: {} points every {:g} s{} ({} steps of {})\n", i,
               describe_initial_condition(setups[i]), table.rows(), settings.dt, end,
               table.stats.accepted_steps, method_name(settings.method));
  }
  if (fs::path(out).has_parent_path()) fs::create_directories(fs::path(out).parent_path());
  scidl::data::write_csv(out, names, count, static_cast<int64_t>(names.size()), rows.data());
  fmt::print("{} rows of {} -> {}\n", count, fmt::join(names, ","), out);
}

struct LyapunovArgs {
  double transient = 50, duration = 500, interval = 1, separation = 1e-8;
  std::string out;
};

void lyapunov(const ProblemArgs& a, const LyapunovArgs& l) {
  const auto setups = a.setups();
  const auto trajectory = a.trajectory();
  LyapunovSettings s;
  s.transient = l.transient;
  s.duration = l.duration;
  s.renormalise_interval = l.interval;
  s.separation = l.separation;
  s.method = trajectory.method;
  s.integrator = trajectory.integrator;
  s.validate();
  std::vector<LyapunovEstimate> estimates(setups.size());
  {
    std::unique_ptr<scidl::io::ProgressBar> bar;
    if (setups.size() > 1)
      bar =
          std::make_unique<scidl::io::ProgressBar>("lyapunov", static_cast<int64_t>(setups.size()));
#pragma omp parallel for schedule(dynamic)
    for (std::size_t i = 0; i < setups.size(); ++i) {
      auto system = make_system(setups[i]);
      estimates[i] = largest_lyapunov_exponent(*system, initial_state(setups[i]), s);
      if (bar) bar->advance();
    }
  }
  std::vector<double> rows;
  for (std::size_t i = 0; i < setups.size(); ++i) {
    const double lambda = estimates[i].exponent;
    fmt::print(
        "{}: largest Lyapunov exponent {:.4f} per s (Lyapunov time {}; {} renormalisations "
        "every {:g} s after a {:g} s transient, {} steps of {})\n",
        describe_initial_condition(setups[i]), lambda,
        lambda > 0 ? fmt::format("{:.3g} s", 1 / lambda) : std::string("infinite"),
        estimates[i].renormalisations, s.renormalise_interval, s.transient,
        estimates[i].stats.accepted_steps, method_name(s.method));
    const auto& st = setups[i];
    rows.insert(rows.end(),
                {static_cast<double>(i),
                 st.problem == OdeProblem::projectile ? st.projectile.speed : st.theta1_deg,
                 st.problem == OdeProblem::projectile ? st.projectile.angle_deg : st.theta2_deg,
                 lambda, lambda > 0 ? 1 / lambda : INFINITY});
  }
  if (!l.out.empty()) {
    const bool pendulum = a.kind() == OdeProblem::double_pendulum;
    scidl::data::write_csv(
        l.out,
        {"trajectory", pendulum ? "theta1_deg" : "a", pendulum ? "theta2_deg" : "b",
         "lyapunov_exponent_per_s", "lyapunov_time_s"},
        static_cast<int64_t>(setups.size()), 5, rows.data());
    fmt::print("-> {}\n", l.out);
  }
}

struct RolloutArgs {
  std::string model, out;
  double distance = 0.25;
};

void rollout(const ProblemArgs& a, const RolloutArgs& r) {
  auto model = load_window_model(r.model);
  const auto setups = a.setups();
  const auto runs = run_rollouts(model, setups, a.trajectory(), r.distance);
  for (const auto& run : runs) fmt::print("{}\n", summarize(run));
  const auto files =
      write_rollouts(fs::path(r.out) / "rollouts", runs, model,
                     fmt::format("{}: {} from {} points", a.problem,
                                 fs::path(r.model).filename().string(), model.points));
  for (const auto& f : files) fmt::print("-> {}\n", f.string());
}

// The lecture's figures for the model's problem, and for the pendulum the chaos map.
void report(const ProblemArgs& a, const RolloutArgs& r, const std::string& grid1,
            const std::string& grid2) {
  auto model = load_window_model(r.model);
  const auto settings = a.trajectory();
  const fs::path dir(r.out);
  auto show = [&](const std::string& stem, const std::vector<OdeSetup>& setups,
                  const std::string& title) {
    const auto runs = run_rollouts(model, setups, settings, r.distance);
    fmt::print("{}:\n", title);
    for (const auto& run : runs) fmt::print("  {}\n", summarize(run));
    for (const auto& f : write_rollouts(dir / stem, runs, model, title))
      fmt::print("  -> {}\n", f.string());
  };
  if (a.kind() == OdeProblem::projectile) {
    const auto base = a.setups().front();
    std::vector<OdeSetup> by_angle, by_speed;
    for (double angle : {15.0, 25.0, 30.0, 35.0, 45.0, 60.0}) {
      auto s = base;
      s.projectile.angle_deg = angle;
      by_angle.push_back(s);
    }
    for (double f : {0.6, 0.8, 1.0, 1.2, 1.4}) {
      auto s = base;
      s.projectile.speed = base.projectile.speed * f;
      by_speed.push_back(s);
    }
    show("angles", by_angle,
         fmt::format("Angles at {:g} m/s (integrator solid, network dashed)",
                     base.projectile.speed));
    show("speeds", by_speed,
         fmt::format("Speeds at {:g} deg (integrator solid, network dashed)",
                     base.projectile.angle_deg));
    return;
  }
  if (a.kind() != OdeProblem::double_pendulum)
    throw std::invalid_argument(
        "ode report draws the projectile's and the double pendulum's "
        "figures; for lorenz use ode rollout");
  auto lecture = a.setups().front();
  std::vector<OdeSetup> releases;
  for (auto [t1, t2] : {std::pair{-20.0, 35.0}, std::pair{-50.0, 140.0}}) {
    lecture.theta1_deg = t1;
    lecture.theta2_deg = t2;
    releases.push_back(lecture);
  }
  show("releases", releases, "Double pendulum: the lecture's two releases (lower bob)");
  ChaosMapSettings m;
  m.theta1_deg = parse_values("--grid-theta1", grid1);
  m.theta2_deg = parse_values("--grid-theta2", grid2);
  m.pendulum = lecture.pendulum;
  m.trajectory = settings;
  m.distance = r.distance;
  m.lyapunov.method = settings.method;
  m.lyapunov.integrator = settings.integrator;
  const auto cells_total = static_cast<int64_t>(m.theta1_deg.size() * m.theta2_deg.size());
  std::vector<ChaosCell> cells;
  {
    scidl::io::ProgressBar bar("chaos map", cells_total);
    cells = chaos_map(model, m, [&] { bar.advance(); });
  }
  std::size_t held = 0, beyond_one = 0;
  for (const auto& c : cells) {
    held += std::isinf(c.departure_time);
    beyond_one += c.departure_in_lyapunov_times() >= 1;
  }
  fmt::print(
      "chaos map: {} releases; the network follows the integrator for all {:g} s in {}, "
      "for at least one Lyapunov time in {}\n",
      cells.size(), settings.t_end, held, beyond_one);
  for (const auto& f : write_chaos_map(dir, cells, m)) fmt::print("  -> {}\n", f.string());
}

SCIDL_COMMAND([](CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "ode", "ODE surrogates: trajectories, Lyapunov exponents, network roll-outs, chaos map");
  cmd->require_subcommand(1);

  auto gen_problem = std::make_shared<ProblemArgs>();
  auto gen_out = std::make_shared<std::string>();
  auto* gen = cmd->add_subcommand(
      "generate", "Integrate trajectories (Dormand-Prince) into a CSV: trajectory, t, state...");
  add_problem_options(gen, gen_problem);
  gen->add_option("--out", *gen_out, "CSV file to write")->required();
  gen->callback([gen_problem, gen_out] { generate(*gen_problem, *gen_out); });

  auto ly_problem = std::make_shared<ProblemArgs>();
  auto ly = std::make_shared<LyapunovArgs>();
  auto* lyc = cmd->add_subcommand(
      "lyapunov", "Largest Lyapunov exponent (Benettin, shadow orbit) of each initial condition");
  add_problem_options(lyc, ly_problem);
  lyc->add_option("--transient", ly->transient, "time discarded first, s")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1e7));
  lyc->add_option("--time", ly->duration, "time averaged over, s")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1e7));
  lyc->add_option("--interval", ly->interval, "renormalisation interval, s")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1e7));
  // The shadow orbit must stay in the linear regime.
  lyc->add_option("--d0", ly->separation, "shadow orbit's separation (at most 1e-3)")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1e-3));
  lyc->add_option("--out", ly->out, "CSV of the exponents (optional)");
  lyc->callback([ly_problem, ly] { lyapunov(*ly_problem, *ly); });

  auto ro_problem = std::make_shared<ProblemArgs>();
  auto ro = std::make_shared<RolloutArgs>();
  auto* roc = cmd->add_subcommand(
      "rollout", "Roll a window model out from the first k points; compare with the integrator");
  add_problem_options(roc, ro_problem);
  roc->add_option("--model", ro->model, "model file trained with [data] window = k")
      ->required()
      ->check(CLI::ExistingFile);
  roc->add_option("--out", ro->out, "output folder")->required();
  roc->add_option("--distance", ro->distance,
                  "pendulum: the lower bob departs beyond this distance, m")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1e3));
  roc->callback([ro_problem, ro] { rollout(*ro_problem, *ro); });

  auto rep_problem = std::make_shared<ProblemArgs>();
  auto rep = std::make_shared<RolloutArgs>();
  auto grid1 = std::make_shared<std::string>("-120:120:13");
  auto grid2 = std::make_shared<std::string>("-120:120:13");
  auto* repc = cmd->add_subcommand(
      "report",
      "The lecture's figures: projectile roll-outs over angles and speeds; the pendulum's two "
      "releases and the chaos map (departure time over Lyapunov time on a grid of releases)");
  add_problem_options(repc, rep_problem);
  repc->add_option("--model", rep->model, "model file trained with [data] window = k")
      ->required()
      ->check(CLI::ExistingFile);
  repc->add_option("--out", rep->out, "output folder")->required();
  repc->add_option("--distance", rep->distance,
                   "pendulum: the lower bob departs beyond this distance, m")
      ->capture_default_str()
      ->check(scidl::cli::positive_at_most(1e3));
  repc->add_option("--grid-theta1", *grid1, "chaos map: theta1 values (lo:hi:n or a list)")
      ->capture_default_str();
  repc->add_option("--grid-theta2", *grid2, "chaos map: theta2 values")->capture_default_str();
  repc->callback([rep_problem, rep, grid1, grid2] { report(*rep_problem, *rep, *grid1, *grid2); });
});

}  // namespace
