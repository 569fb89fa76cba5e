#include "scidl/train/callbacks/progress_bar.h"

#include <fmt/format.h>
#include <unistd.h>

#include "scidl/train/trainer.h"

namespace scidl::train {

namespace {
std::string running_values(const Logs& logs) {
  std::string out;
  for (const auto& [k, v] : logs)
    if (k != "batch_loss") out += fmt::format("  {} {:.4g}", k, v);
  return out;
}
}  // namespace

ProgressBar::ProgressBar(std::FILE* out, Style style) : out_(out) {
  terminal_ = style == Style::terminal || (style == Style::automatic && ::isatty(::fileno(out)));
}

std::string ProgressBar::format_duration(double s) {
  if (!(s >= 0) || s > 1e8) return "--:--";
  auto total = static_cast<int64_t>(s + 0.5);
  int64_t h = total / 3600, m = total / 60 % 60, sec = total % 60;
  return h ? fmt::format("{}:{:02}:{:02}", h, m, sec) : fmt::format("{}:{:02}", m, sec);
}

std::string ProgressBar::bar(int64_t done, int64_t total) const {
  const int width = 24;
  int filled = total ? static_cast<int>(width * done / total) : width;
  std::string b(filled, '=');
  if (filled < width) b += '>' + std::string(width - filled - 1, ' ');
  return "[" + b + "]";
}

void ProgressBar::start(Trainer& t, int epoch) {
  started_ = true;
  epoch_ = epoch;
  first_batch_ = t.progress().batch;
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

void ProgressBar::on_epoch_begin(Trainer& t, int epoch) { start(t, epoch); }

void ProgressBar::on_batch_end(Trainer& t, int64_t, const Logs& logs) {
  if (!started_ || epoch_ != t.epoch()) start(t, t.epoch());  // resumed mid-epoch
  auto now = std::chrono::steady_clock::now();
  double since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (since_draw < (terminal_ ? 0.1 : 30.0)) return;
  last_draw_ = now;
  const int64_t done = t.progress().batch, total = t.batches_per_epoch();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double eta = done > first_batch_ ? elapsed / (done - first_batch_) * (total - done) : -1;
  std::string line =
      fmt::format("epoch {}/{} {} {}/{}  ETA {}{}", epoch_ + 1, t.epochs(), bar(done, total), done,
                  total, format_duration(eta), running_values(logs));
  if (terminal_)
    fmt::print(out_, "\r{}\x1b[K", line);
  else
    fmt::print(out_, "{}\n", line);
  std::fflush(out_);
}

void ProgressBar::on_epoch_end(Trainer& t, int epoch, const Logs& logs) {
  const int64_t total = t.batches_per_epoch();
  double seconds = logs.count("time_s") ? logs.at("time_s") : 0;
  std::string line = fmt::format("epoch {}/{} {} {}/{}  {:.2f}s  {}", epoch + 1, t.epochs(),
                                 bar(total, total), total, total, seconds, format_logs(logs));
  if (terminal_)
    fmt::print(out_, "\r{}\x1b[K\n", line);
  else
    fmt::print(out_, "{}\n", line);
  std::fflush(out_);
  started_ = false;
}

}  // namespace scidl::train
