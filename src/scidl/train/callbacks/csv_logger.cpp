#include "scidl/train/callbacks/csv_logger.h"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "scidl/train/trainer.h"

namespace scidl::train {

CSVLogger::CSVLogger(std::filesystem::path filename, char separator, bool append)
    : path_(std::move(filename)), separator_(separator), append_(append) {}

CSVLogger::~CSVLogger() {
  if (file_) std::fclose(file_);
}

void CSVLogger::on_train_begin(Trainer& t) {
  if (!path_.parent_path().empty()) std::filesystem::create_directories(path_.parent_path());
  const bool resumed = !t.history().epochs.empty();
  bool keep_existing = append_ && std::filesystem::exists(path_) && !resumed;
  file_ = std::fopen(path_.c_str(), keep_existing ? "a" : "w");
  if (!file_)
    throw std::runtime_error(fmt::format("csv_logger: cannot open '{}' for writing: {}",
                                         path_.string(), std::strerror(errno)));
  if (keep_existing && std::filesystem::file_size(path_) > 0) keys_ = {"(existing)"};
  const auto& done = t.history().epochs;
  for (size_t e = 0; e < done.size(); ++e) write_row(static_cast<int>(e), done[e]);
}

void CSVLogger::write_row(int epoch, const Logs& logs) {
  if (keys_.empty()) {  // the header, from the first row's names (sorted: Logs is a std::map)
    for (const auto& [k, v] : logs) keys_.push_back(k);
    std::string header = "epoch";
    for (const auto& k : keys_) header += separator_ + k;
    std::fprintf(file_, "%s\n", header.c_str());
  }
  std::string row = std::to_string(epoch);
  for (const auto& [k, v] : logs)
    row += separator_ + (std::isnan(v) ? std::string("nan") : fmt::format("{}", v));
  std::fprintf(file_, "%s\n", row.c_str());
  if (std::fflush(file_) != 0)
    throw std::runtime_error(
        fmt::format("csv_logger: cannot write '{}': {}", path_.string(), std::strerror(errno)));
}

void CSVLogger::on_epoch_end(Trainer&, int epoch, const Logs& logs) { write_row(epoch, logs); }

void CSVLogger::on_train_end(Trainer&, const Logs&) {
  if (file_) std::fclose(file_);
  file_ = nullptr;
  keys_.clear();
}

}  // namespace scidl::train
