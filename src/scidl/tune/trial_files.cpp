#include "scidl/tune/trial_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "scidl/io/file_io.h"
#include "scidl/train/trainer.h"

namespace scidl::tune {

namespace {

// The answer file as it stands: {} when absent or half-written (it is replaced by rename, but a
// network filesystem may show a stale copy for a moment).
nlohmann::json read_answer(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return nlohmann::json::object();
  std::stringstream text;
  text << in.rdbuf();
  auto answer = nlohmann::json::parse(text.str(), nullptr, false);
  if (!answer.is_object() || !answer.contains("epoch") || !answer["epoch"].is_number_integer())
    return nlohmann::json::object();
  return answer;
}

// One write of one whole line, then close: a reader on another node sees it after the close.
void append_line(const std::filesystem::path& file, const std::string& line) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot write the tuner's report file '{}': {}",
                                         file.string(), std::strerror(errno)));
  const std::string data = line + "\n";
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error(fmt::format("cannot write the tuner's report file '{}': {}",
                                           file.string(), std::strerror(errno)));
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
}

}  // namespace

TrialFileReport::TrialFileReport(std::filesystem::path dir, std::chrono::milliseconds answer_wait)
    : dir_(std::move(dir)), answer_wait_(answer_wait) {
  std::filesystem::create_directories(dir_);
}

void TrialFileReport::on_epoch_end(train::Trainer& trainer, int epoch, const train::Logs& logs) {
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [name, value] : logs)
    values[name] = std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
  const int reported = epoch + 1;
  append_line(dir_ / kReportsFile, nlohmann::json{{"epoch", reported}, {"logs", values}}.dump());
  nlohmann::json answer = read_answer(dir_ / kAnswerFile);
  if (unanswered_ > 0 && answer.value("epoch", 0) >= unanswered_) unanswered_ = 0;  // caught up
  // A tuner that left one report unanswered is not waited for again until it catches up: a
  // gone tuner must not cost every epoch the wait.
  const auto deadline = std::chrono::steady_clock::now() + answer_wait_;
  while (unanswered_ == 0 && answer.value("epoch", 0) < reported) {
    if (std::chrono::steady_clock::now() >= deadline) {
      unanswered_ = reported;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    answer = read_answer(dir_ / kAnswerFile);
  }
  if (answer.value("stop", false)) trainer.stop_training = true;
}

void TrialFileReader::clear() {
  std::filesystem::create_directories(dir_);
  for (const char* name : {kReportsFile, kAnswerFile, kExitStatusFile})
    std::filesystem::remove(dir_ / name);
  offset_ = 0;
}

std::vector<nlohmann::json> TrialFileReader::new_reports() {
  std::vector<nlohmann::json> reports;
  std::ifstream in(dir_ / kReportsFile, std::ios::binary);
  if (!in) return reports;
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string line;
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline yet: a line still being written
    offset_ += line.size() + 1;
    auto report = nlohmann::json::parse(line, nullptr, false);
    if (report.is_object() && report.contains("epoch") && report["epoch"].is_number_integer() &&
        report.contains("logs") && report["logs"].is_object())
      reports.push_back(std::move(report));
  }
  return reports;
}

void TrialFileReader::answer(int epoch, const Decision& decision) const {
  io::write_file_atomically(
      dir_ / kAnswerFile,
      nlohmann::json{{"epoch", epoch}, {"stop", decision.stop}, {"reason", decision.reason}}
          .dump());
}

int TrialFileReader::exit_status() const {
  std::ifstream in(dir_ / kExitStatusFile);
  int status = -1;
  if (!(in >> status)) return -1;
  return status;
}

}  // namespace scidl::tune
