#include "scidl/tune/study_display.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace scidl::tune {

namespace {

using Clock = std::chrono::steady_clock;

std::string value_text(const nlohmann::json& v) {
  if (v.is_number_float()) return fmt::format("{:.4g}", v.get<double>());
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

// The key's last `parts` dot-separated parts ("layers[1].units" for 2 of model.layers[1].units).
std::string suffix(const std::string& key, int parts) {
  size_t at = key.size();
  for (int p = 0; p < parts; ++p) {
    const auto dot = at == 0 ? std::string::npos : key.rfind('.', at - 1);
    if (dot == std::string::npos) return key;
    at = dot;
  }
  return key.substr(at + 1);
}

}  // namespace

StudyDisplay::StudyDisplay(std::string metric, bool live, int width, double status_every_s,
                           Sink sink)
    : metric_(std::move(metric)),
      live_(live),
      width_(width),
      status_every_s_(status_every_s),
      sink_(std::move(sink)),
      last_draw_(Clock::now()) {}

std::string StudyDisplay::params_summary(const nlohmann::json& params) {
  if (!params.is_object()) return "";
  std::vector<std::string> keys;
  for (const auto& [key, value] : params.items()) keys.push_back(key);
  std::string out;
  for (const auto& key : keys) {
    // The fewest last parts that no other key ends in.
    const auto shared = [&](int parts) {
      return std::any_of(keys.begin(), keys.end(), [&](const std::string& other) {
        return other != key && suffix(other, parts) == suffix(key, parts);
      });
    };
    int parts = 1;
    while (suffix(key, parts) != key && shared(parts)) ++parts;
    if (!out.empty()) out += ' ';
    out += fmt::format("{}={}", suffix(key, parts), value_text(params[key]));
  }
  return out;
}

std::vector<std::string> StudyDisplay::table(const std::string& metric,
                                             const std::vector<RunningTrial>& running,
                                             const StudyCounts& counts, int width) {
  const int64_t finished = counts.completed + counts.stopped + counts.failed;
  std::vector<std::string> lines;
  lines.push_back(fmt::format(
      "{} running, {} finished ({} completed, {} stopped, {} failed), {} of {} started, {:.0f} s",
      running.size(), finished, counts.completed, counts.stopped, counts.failed, counts.started,
      counts.total, counts.elapsed_s));
  const size_t metric_width = std::max<size_t>(metric.size(), 10);
  if (!running.empty())
    lines.push_back(fmt::format("  {:<10}  {:>5}  {:>{}}  {:<8}  {:>7}  {}", "trial", "epoch",
                                metric, metric_width, "state", "seconds", "values"));
  for (const auto& t : running) {
    const std::string last = std::isnan(t.last) ? "-" : fmt::format("{:.6g}", t.last);
    lines.push_back(fmt::format("  trial_{:04d}  {:>5}  {:>{}}  {:<8}  {:>7.1f}  {}", t.id, t.epoch,
                                last, metric_width, t.state, t.seconds, params_summary(t.params)));
  }
  if (width > 1)
    for (auto& line : lines)
      if (static_cast<int>(line.size()) > width - 1) line.resize(static_cast<size_t>(width - 1));
  return lines;
}

void StudyDisplay::event(const std::string& line, bool error) {
  erase();
  sink_(line + "\n", error);
}

void StudyDisplay::refresh(const std::vector<RunningTrial>& running, const StudyCounts& counts) {
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (!live_) {
    if (running.empty() || status_every_s_ <= 0 || since < status_every_s_) return;
    std::string text;
    for (const auto& line : table(metric_, running, counts, 0)) text += line + "\n";
    sink_(text, false);
    last_draw_ = now;
    return;
  }
  std::string text;
  const auto lines =
      running.empty() ? std::vector<std::string>{} : table(metric_, running, counts, width_);
  for (const auto& line : lines) text += line + "\n";
  if (text == drawn_ || (drawn_lines_ > 0 && since < 0.2)) return;
  erase();
  if (!text.empty()) sink_(text, false);
  drawn_ = text;
  drawn_lines_ = static_cast<int>(lines.size());
  last_draw_ = now;
}

bool StudyDisplay::due() const {
  const double since = std::chrono::duration<double>(Clock::now() - last_draw_).count();
  if (!live_) return status_every_s_ > 0 && since >= status_every_s_;
  return drawn_lines_ == 0 || since >= 0.2;
}

void StudyDisplay::finish() { erase(); }

void StudyDisplay::erase() {
  if (!live_ || drawn_lines_ == 0) return;
  sink_(fmt::format("\x1b[{}F\x1b[J", drawn_lines_), false);
  drawn_lines_ = 0;
  drawn_.clear();
}

}  // namespace scidl::tune
