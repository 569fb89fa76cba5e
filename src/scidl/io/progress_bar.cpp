#include "scidl/io/progress_bar.h"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace scidl::io {

ProgressBar::ProgressBar(std::string label, std::int64_t total, std::int64_t already_done,
                         std::FILE* out, Style style)
    : label_(std::move(label)),
      total_(std::max<std::int64_t>(total, 0)),
      done_(already_done),
      done_at_start_(already_done),
      out_(out),
      terminal_(style == Style::terminal ||
                (style == Style::automatic && ::isatty(::fileno(out)) != 0)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {
  std::lock_guard lock(mutex_);
  draw_locked(true);
}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::advance(std::int64_t n) {
  std::lock_guard lock(mutex_);
  done_ = std::min(total_, done_ + n);
  draw_locked(false);
}

void ProgressBar::set_note(std::string note) {
  std::lock_guard lock(mutex_);
  note_ = std::move(note);
}

void ProgressBar::finish() {
  std::lock_guard lock(mutex_);
  if (finished_) return;
  draw_locked(true);
  if (terminal_) fmt::print(out_, "\n");
  std::fflush(out_);
  finished_ = true;
}

std::int64_t ProgressBar::done() const {
  std::lock_guard lock(mutex_);
  return done_;
}

std::string ProgressBar::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "--:--";
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}:{:02d}:{:02d}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02d}", s / 60, s % 60);
}

std::string ProgressBar::status_text_locked() const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::int64_t fresh = done_ - done_at_start_;
  const double rate = elapsed > 0 && fresh > 0 ? fresh / elapsed : 0.0;
  const double eta = rate > 0 ? (total_ - done_) / rate : (done_ >= total_ ? 0.0 : -1.0);
  const double percent = total_ > 0 ? 100.0 * done_ / total_ : 100.0;
  std::string text = fmt::format("{}/{} ({:.0f}%)  {:.2f}/s  elapsed {}  ETA {}", done_, total_,
                                 percent, rate, format_duration(elapsed), format_duration(eta));
  if (!note_.empty()) text += "  " + note_;
  return text;
}

void ProgressBar::draw_locked(bool force) {
  if (finished_) return;
  const auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    if (!force && now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) return;
    constexpr int kWidth = 30;
    const int filled = total_ > 0 ? static_cast<int>(kWidth * done_ / total_) : kWidth;
    const std::string bar = std::string(filled, '#') + std::string(kWidth - filled, '.');
    fmt::print(out_, "\r{} [{}] {}\033[K", label_, bar, status_text_locked());
  } else {
    const int decile = total_ > 0 ? static_cast<int>(10 * done_ / total_) : 10;
    const bool minute_passed = now - last_draw_ >= std::chrono::seconds(60);
    const bool news =
        decile != last_plain_decile_ || minute_passed || (force && done_ != last_plain_done_);
    if (!news) return;
    last_plain_decile_ = decile;
    last_plain_done_ = done_;
    fmt::print(out_, "{}: {}\n", label_, status_text_locked());
  }
  std::fflush(out_);
  last_draw_ = now;
}

}  // namespace scidl::io
