#include "scidl/tune/trial_channel.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>

#include "scidl/train/trainer.h"

namespace scidl::tune {

bool send_line(int fd, const std::string& line) {
  const std::string data = line + "\n";
  size_t sent = 0;
  while (sent < data.size()) {
    // MSG_NOSIGNAL: a closed socket is an error here, not a SIGPIPE that kills the process.
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

std::optional<std::string> receive_line(int fd) {
  std::string line;
  char ch;
  while (line.size() < (1u << 20)) {
    const ssize_t n = ::read(fd, &ch, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    if (ch == '\n') return line;
    line += ch;
  }
  return std::nullopt;
}

TrialReport::TrialReport(int fd, std::function<void()> on_tuner_gone)
    : fd_(fd), on_tuner_gone_(std::move(on_tuner_gone)) {}

void TrialReport::on_epoch_end(train::Trainer& trainer, int epoch, const train::Logs& logs) {
  if (gone_) return;
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [name, value] : logs)
    values[name] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  const nlohmann::json report = {{"epoch", epoch + 1}, {"logs", values}};
  std::optional<std::string> answer;
  if (send_line(fd_, report.dump())) answer = receive_line(fd_);
  const auto reply = answer ? nlohmann::json::parse(*answer, nullptr, false) : nlohmann::json();
  if (!reply.is_object() || !reply.contains("stop")) {
    gone_ = true;
    if (on_tuner_gone_) on_tuner_gone_();
    return;
  }
  if (reply["stop"] == true) trainer.stop_training = true;
}

}  // namespace scidl::tune
