// Helpers shared by tests: fixture loading, tensors from fixture JSON, running the CLI.
#pragma once
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "scidl/scidl.h"

namespace scidl::testing {

// Why a kernel test skips: SCIDL_KERNELS turned the family off for this run (every copy of the
// CPU backend has every family but AMX: backend/cpu/isa.h).
inline std::string kernels_off(const char* family) {
  const char* setting = std::getenv("SCIDL_KERNELS");
  return std::string("SCIDL_KERNELS=") + (setting ? setting : "") + " turns the " + family +
         " kernels off";
}

inline nlohmann::json load_fixture(const std::string& relative) {
  std::ifstream in(std::string(SCIDL_TEST_DATA) + "/" + relative);
  if (!in) throw std::runtime_error("missing fixture " + relative);
  return nlohmann::json::parse(in);
}

inline Tensor tensor_from_json(const nlohmann::json& j, DType dtype) {
  Shape shape = j.at("shape").get<Shape>();
  return from_vector(j.at("data").get<std::vector<double>>(), shape, dtype);
}

inline void expect_close(const Tensor& actual, const nlohmann::json& expected, double rtol,
                         const std::string& what, double atol = 0) {
  auto a = actual.to_vector<double>();
  auto e = expected.at("data").get<std::vector<double>>();
  ASSERT_EQ(actual.shape(), expected.at("shape").get<Shape>()) << what;
  for (size_t i = 0; i < e.size(); ++i)
    ASSERT_NEAR(a[i], e[i], rtol * std::abs(e[i]) + atol) << what << " element " << i;
}

// Elementwise agreement to `rel` (default 2e-5) of b's largest magnitude, for two computations
// of one quantity whose float32 sums ran in different orders: sums of up to 5000 terms differ
// by ~1e-6 of the scale, while a kernel bug gives O(scale) errors. Both undefined also agree.
inline void expect_close(const Tensor& a, const Tensor& b, const std::string& what,
                         double rel = 2e-5) {
  ASSERT_EQ(a.defined(), b.defined()) << what;
  if (!a.defined()) return;
  ASSERT_EQ(a.shape(), b.shape()) << what;
  auto u = a.to_vector<double>(), v = b.to_vector<double>();
  double scale = 1e-30;
  for (double e : v) scale = std::max(scale, std::abs(e));
  for (size_t i = 0; i < u.size(); ++i)
    ASSERT_NEAR(u[i], v[i], rel * scale) << what << ", element " << i;
}

// A fresh empty folder under the system temp dir, removed when the test ends.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& name) {
    path = std::filesystem::temp_directory_path() /
           ("scidl_test_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

struct CommandResult {
  int status;
  std::string output;  // stdout and stderr together
};

// How long one `scidl` command of a test may run: just under ctest's own 300 s (a command this
// long would end its test there anyway), so that a command that hangs, or a machine that stalls,
// fails its test with the output it had written and the command is killed, not left running.
#ifndef SCIDL_CLI_TIMEOUT_S
#define SCIDL_CLI_TIMEOUT_S 280
#endif

// `scidl ARGS`, with `environment` ("NAME=value ...") set for that command only.
inline CommandResult run_cli(const std::string& args, const std::string& environment = "") {
  const std::string limit = std::to_string(SCIDL_CLI_TIMEOUT_S);
  std::string cmd = "timeout -k 10 " + limit + " " +
                    (environment.empty() ? "" : "env " + environment + " ") +
                    std::string(SCIDL_CLI) + " " + args + " 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  CommandResult r{-1, ""};
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  int st = pclose(pipe);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  if (r.status == 124 || r.status == 137)
    r.output += "\n[run_cli: `scidl " + args + "` was stopped after " + limit + " s]\n";
  return r;
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p) << text;
}

}  // namespace scidl::testing
