// What the `scidl train` CLI tests share: a small regression data set, a config that trains on it
// in a fraction of a second per epoch, and ways to compare runs and to run the binary in the
// background.
#pragma once
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <vector>

#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/nn/model_io.h"

namespace scidl::testing {

inline void write_train_data(const std::filesystem::path& dir, int rows) {
  std::string x = "a,b,c\n", y = "target\n";
  for (int i = 0; i < rows; ++i) {
    double a = (i % 17) / 17.0, b = (i % 5) / 5.0, c = (i % 11) / 11.0;
    x += fmt::format("{},{},{}\n", a, b, c);
    y += fmt::format("{}\n", std::sin(3 * a) - b * c + 0.5);
  }
  write_text(dir / "x.csv", x);
  write_text(dir / "y.csv", y);
}

inline std::string train_config(int epochs, const std::string& extra = "") {
  return fmt::format(R"(seed = 5
[data]
x = "x.csv"
y = "y.csv"
validation_split = 0.2
[model]
inputs = 3
layers = [ {{ type = "dense", units = 48, activation = "tanh" }}, {{ type = "dropout", rate = 0.1 }},
           {{ type = "dense", units = 1 }} ]
[optimizer]
type = "adam"
lr = 0.003
[training]
epochs = {}
batch_size = 8
loss = "mse"
metrics = ["mae"]
[output]
checkpoint_every_n_steps = 7
)",
                     epochs) +
         extra;
}

inline std::map<std::string, std::vector<float>> weights_of(const std::filesystem::path& model) {
  std::map<std::string, std::vector<float>> out;
  for (const auto& [k, t] : io::load_model(model).model->state_dict())
    out[k] = t.to_vector<float>();
  return out;
}

// Two history.csv files hold the same epochs with the same values, bit for bit (time_s aside).
inline void expect_same_history(const std::filesystem::path& a_path,
                                const std::filesystem::path& b_path, int64_t epochs) {
  auto a = data::read_csv(a_path), b = data::read_csv(b_path);
  ASSERT_EQ(a.rows, epochs);
  ASSERT_EQ(b.rows, epochs);
  ASSERT_EQ(a.column_names, b.column_names);
  for (int64_t r = 0; r < a.rows; ++r) {
    for (int64_t c = 0; c < a.cols; ++c) {
      if (a.column_names[c] == "time_s") continue;
      EXPECT_EQ(a.values[r * a.cols + c], b.values[r * b.cols + c])
          << a.column_names[c] << ", epoch " << r + 1;
    }
  }
}

// `scidl ARGS...` started in the background, its output (stdout and stderr) into `log`.
inline pid_t start_cli(const std::vector<std::string>& args, const std::filesystem::path& log) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(fd, STDOUT_FILENO);
  ::dup2(fd, STDERR_FILENO);
  std::vector<char*> argv{const_cast<char*>(SCIDL_CLI)};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execv(SCIDL_CLI, argv.data());
  ::_exit(127);
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every file under `dir` with its bytes, to compare a folder before and after.
inline std::map<std::string, std::string> folder_contents(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      files[std::filesystem::relative(e.path(), dir).string()] = read_text(e.path());
  return files;
}

}  // namespace scidl::testing
