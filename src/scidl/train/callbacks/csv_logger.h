// CSVLogger as in Keras: one row per epoch, column "epoch" (0-based, as Keras writes it) and then
// every logged value in sorted name order; `separator` between fields; with `append` the rows go
// after an existing file's. Each row is flushed at once, so a killed run keeps its rows. On a
// resumed run the file is rewritten from the run's history first, so rows of epochs the
// checkpoint does not include never stay behind.
#pragma once
#include <cstdio>
#include <filesystem>
#include <vector>

#include "scidl/train/callback.h"

namespace scidl::train {

class CSVLogger : public Callback {
 public:
  explicit CSVLogger(std::filesystem::path filename, char separator = ',', bool append = false);
  ~CSVLogger() override;
  void on_train_begin(Trainer&) override;
  void on_epoch_end(Trainer&, int epoch, const Logs&) override;
  void on_train_end(Trainer&, const Logs&) override;

 private:
  void write_row(int epoch, const Logs& logs);
  std::filesystem::path path_;
  char separator_;
  bool append_;
  std::FILE* file_ = nullptr;
  std::vector<std::string> keys_;
};

}  // namespace scidl::train
