// scidl export-onnx on a set of small models (seeded, with their statistics and running buffers
// set away from their defaults): every file passes onnx.checker's full check (Debian's
// python3-onnx), and onnxruntime computes what scidl computes to 1e-5 (its recorded outputs on
// every machine, and run live where an interpreter has it). Layers with no ONNX form and bad files
// are refused, naming the layer or the file.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include "../test_util.h"
#include "scidl/nn/activation.h"
#include "scidl/nn/batchnorm.h"
#include "scidl/nn/layer_norm.h"
#include "scidl/nn/linear.h"
#include "scidl/nn/model_io.h"
#include "scidl/nn/model_spec.h"
#include "scidl/nn/onnx_export.h"
#include "scidl/nn/recurrent.h"
#include "scidl/ops/random_ops.h"

namespace scidl::testing {
namespace {

using nlohmann::json;

const std::string kCheckScript = std::string(SCIDL_TEST_DATA) + "/../nn/onnx_check.py";

CommandResult run_shell(const std::string& command) {
  CommandResult r{-1, ""};
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// An interpreter with onnxruntime and numpy: $SCIDL_ONNXRUNTIME_PYTHON, the one CMake was given
// (-DSCIDL_ONNXRUNTIME_PYTHON=...), or python3; empty when none has them.
std::string onnxruntime_python() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("SCIDL_ONNXRUNTIME_PYTHON")) candidates.emplace_back(env);
  candidates.emplace_back(SCIDL_ONNXRUNTIME_PYTHON);
  candidates.emplace_back("/usr/bin/python3");
  candidates.emplace_back("python3");
  for (const auto& python : candidates)
    if (!python.empty() && run_shell(python + " -c 'import onnxruntime, numpy'").status == 0)
      return python;
  return {};
}

// Every parameter and buffer moved off its initial value, so a wrong gate order, a dropped bias
// or an unused running statistic shows in the outputs: variances in [0.5, 2], the rest +-0.5.
void perturb(nn::Module& model, uint64_t seed) {
  Generator gen(seed);
  auto state = model.state_dict();
  for (auto& [name, t] : state) {
    if (!is_floating(t.dtype()) || t.dim() == 0) continue;
    const bool variance = name.ends_with("running_var") || name.ends_with("variance");
    Tensor noise = variance ? uniform(t.shape(), 0.5, 2.0, t.dtype(), gen)
                            : uniform(t.shape(), -0.5, 0.5, t.dtype(), gen);
    t = variance ? noise : t.clone() + noise;
  }
  for (auto& [name, t] : state)
    if (name.ends_with("count")) t = full({}, 100.0, DType::Float64);  // Normalization: adapted
  model.load_state_dict(state);
}

json entry_of(const Tensor& t) {
  json e{{"shape", t.shape()}, {"dtype", t.dtype() == DType::Float64 ? "float64" : "float32"}};
  e["data"] = t.dtype() == DType::Float64 ? json(t.contiguous().to_vector<double>())
                                          : json(t.contiguous().to_vector<float>());
  return e;
}

struct Case {
  std::string name;
  json spec;
  std::vector<std::string> cli_options = {};  // e.g. --opset 16
  int64_t index_range = 0;                    // inputs are whole numbers in [0, range) if set
  // A model built in C++ (layers and options no spec reaches), exported by nn::export_onnx.
  std::function<nn::ModulePtr(uint64_t seed)> build = nullptr;
};

// Dense layers on sequences [N, T, H] (MatMul, not Gemm), BatchNorm1d on [N, C, L] and the
// normalisations without their learnable scale and shift.
nn::ModulePtr sequence_dense_model(uint64_t seed) {
  Generator gen(seed);
  nn::RecurrentOptions sequences;
  sequences.return_sequences = true;
  nn::BatchNormOptions plain;
  plain.affine = false;
  return std::make_shared<nn::Sequential>(std::vector<nn::ModulePtr>{
      std::make_shared<nn::LSTM>(3, 4, sequences, gen), std::make_shared<nn::BatchNorm1d>(5, plain),
      std::make_shared<nn::LayerNorm>(4, 1e-5, false),
      std::make_shared<nn::Linear>(4, 2, nn::LinearOptions{}, gen),
      std::make_shared<nn::Linear>(2, 2, nn::LinearOptions{false}, gen),
      std::make_shared<nn::Identity>()});
}

std::vector<Case> cases() {
  const json lstm_stack = json::parse(R"({"inputs": [5, 3], "layers": [
      {"type": "lstm", "units": 4, "num_layers": 2, "return_sequences": true},
      {"type": "lstm", "units": 3}, {"type": "dense", "units": 2}]})");
  const json graph = json::parse(R"({"inputs": {"a": 5, "b": 3}, "output": "out", "layers": [
      {"name": "h1", "type": "dense", "units": 6, "activation": "relu", "inputs": ["a"]},
      {"name": "h2", "type": "dense", "units": 6, "activation": "tanh", "inputs": ["h1"]},
      {"name": "h3", "type": "dense", "units": 6, "inputs": ["h2"]},
      {"name": "r", "type": "add", "inputs": ["h1", "h2", "h3"]},
      {"name": "s", "type": "add", "inputs": ["r", "h1"]},
      {"name": "c", "type": "concat", "inputs": ["s", "b"]},
      {"name": "ln", "type": "layernorm", "inputs": ["c"]},
      {"name": "out", "type": "dense", "units": 2, "inputs": ["ln"]}]})");
  return {
      {"mlp", json::parse(R"({"inputs": 6, "layers": [
          {"type": "dense", "units": 16, "activation": "relu"},
          {"type": "dense", "units": 16, "activation": "tanh"},
          {"type": "dropout", "rate": 0.3},
          {"type": "dense", "units": 12, "activation": "leaky_relu"},
          {"type": "dense", "units": 12, "activation": "elu"}, {"type": "gelu"},
          {"type": "dense", "units": 12}, {"type": "gelu", "approximate": "tanh"},
          {"type": "dense", "units": 12, "bias": false}, {"type": "silu"},
          {"type": "dense", "units": 10, "activation": "sigmoid"},
          {"type": "dense", "units": 4, "activation": "softmax"}]})")},
      {"mlp_float64_log_softmax", json::parse(R"({"inputs": 5, "dtype": "float64", "layers": [
          {"type": "dense", "units": 8, "activation": "relu"}, {"type": "batchnorm"},
          {"type": "dense", "units": 3, "activation": "log_softmax"}]})")},
      {"cnn", json::parse(R"({"inputs": [2, 10, 9], "layers": [
          {"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": "same",
           "activation": "relu"},
          {"type": "batchnorm"}, {"type": "maxpool2d", "pool_size": 2},
          {"type": "conv2d", "filters": 5, "kernel_size": [3, 2], "strides": [2, 1],
           "padding": 1, "dilation": [1, 2], "bias": false},
          {"type": "avgpool2d", "pool_size": 2, "padding": "same"}, {"type": "dropout2d", "rate": 0.2},
          {"type": "flatten"}, {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 3}]})")},
      {"cnn_global_pool", json::parse(R"({"inputs": [3, 7, 7], "layers": [
          {"type": "conv2d", "filters": 4, "kernel_size": 2, "strides": 2, "padding": "same",
           "activation": "tanh"},
          {"type": "maxpool2d", "pool_size": 3, "strides": 1, "padding": "same"},
          {"type": "avgpool2d", "pool_size": [2, 3], "strides": 1},
          {"type": "global_avg_pool"}, {"type": "dense", "units": 2, "activation": "sigmoid"}]})")},
      {"lstm", lstm_stack},
      {"gru", json::parse(R"({"inputs": [6, 2], "layers": [
          {"type": "gru", "units": 5, "num_layers": 2, "dropout": 0.2},
          {"type": "dense", "units": 1}]})")},
      {"gru_sequences", json::parse(R"({"inputs": [4, 3], "layers": [
          {"type": "gru", "units": 3, "return_sequences": true, "bias": false}]})")},
      {"lstm_time_first", json::parse(R"({"inputs": [4, 3], "layers": [
          {"type": "lstm", "units": 3, "batch_first": false, "num_layers": 2},
          {"type": "dense", "units": 2}]})")},
      {"gru_time_first_sequences", json::parse(R"({"inputs": [4, 3], "layers": [
          {"type": "gru", "units": 3, "batch_first": false, "return_sequences": true}]})")},
      {"graph", graph},
      {"graph_opset13", graph, {"--opset", "13"}},
      {"normalization", json::parse(R"({"inputs": 4, "layers": [
          {"type": "normalization"}, {"type": "dense", "units": 8, "activation": "relu"},
          {"type": "layernorm", "eps": 0.001}, {"type": "dense", "units": 2},
          {"type": "normalization", "invert": true}]})")},
      {"embedding_lstm",
       json::parse(R"({"inputs": 6, "layers": [
          {"type": "embedding", "input_dim": 9, "output_dim": 4},
          {"type": "lstm", "units": 3, "bias": false}, {"type": "dense", "units": 2}]})"),
       {"--batch", "3"},
       9},
      {"sequence_dense", json{{"inputs", {5, 3}}}, {}, 0, sequence_dense_model},
  };
}

// The test models, exported once by `scidl export-onnx`, with scidl's outputs on three examples.
class OnnxExport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("onnx_export");
    int64_t seed = 1;
    for (const Case& c : cases()) {
      const auto model_path = dir_->path / (c.name + ".scidl");
      const auto onnx_path = dir_->path / (c.name + ".onnx");
      io::LoadedModel loaded;
      if (c.build) {
        loaded.model = c.build(uint64_t(seed));
        perturb(*loaded.model, uint64_t(seed) + 100);
        nn::export_onnx(onnx_path, *loaded.model, c.spec);
      } else {
        {
          auto model = nn::build_model(c.spec, uint64_t(seed));
          perturb(*model, uint64_t(seed) + 100);
          io::save_model(model_path, *model, c.spec);
        }
        std::string options;
        for (const auto& o : c.cli_options) options += " " + o;
        const auto r = run_cli(fmt::format("export-onnx --model {} --output {}{}",
                                           model_path.string(), onnx_path.string(), options));
        ASSERT_EQ(r.status, 0) << c.name << ": " << r.output;
        // scidl's own outputs, from the model file as scidl predict reads it.
        loaded = io::load_model(model_path);
      }
      onnx_files_.push_back(onnx_path.string());
      loaded.model->eval();
      Generator gen(uint64_t(seed) + 200);
      TensorDict batch;
      json inputs = json::object();
      const DType dtype = nn::model_dtype(c.spec);
      for (const auto& [name, shape] : nn::model_inputs(c.spec)) {
        Shape full_shape{3};
        full_shape.insert(full_shape.end(), shape.begin(), shape.end());
        Tensor x = uniform(full_shape, -1.5, 1.5, dtype, gen);
        if (c.index_range > 0) {
          auto v = x.to_vector<double>();
          for (auto& e : v)
            e = std::min(std::floor((e + 1.5) / 3.0 * double(c.index_range)),
                         double(c.index_range - 1));
          x = from_vector(v, full_shape, dtype);
        }
        batch.set(name, x);
        inputs[name] = entry_of(x);
      }
      const Tensor y = loaded.model->forward_batch(batch);
      const auto case_path = dir_->path / (c.name + ".json");
      std::ofstream(case_path) << json{
          {"onnx", onnx_path.string()},
          {"inputs", inputs},
          {"output", entry_of(y)}}.dump();
      case_files_.push_back(case_path.string());
      ++seed;
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string joined(const std::vector<std::string>& files) {
    std::string out;
    for (const auto& f : files) out += " " + f;
    return out;
  }

  static TempDir* dir_;
  static std::vector<std::string> onnx_files_, case_files_;
};
TempDir* OnnxExport::dir_ = nullptr;
std::vector<std::string> OnnxExport::onnx_files_, OnnxExport::case_files_;

TEST_F(OnnxExport, EveryTestModelPassesOnnxCheckerFullCheck) {
  ASSERT_EQ(onnx_files_.size(), cases().size());
  // Debian's interpreter with python3-onnx (scripts/setup.sh installs it).
  const auto r = run_shell("/usr/bin/python3 " + kCheckScript + " check" + joined(onnx_files_));
  EXPECT_EQ(r.status, 0) << r.output;
  std::cout << r.output;
  // Inputs by name with a batch "N" (or the fixed --batch), one output; a time-first recurrent
  // model's first axis is its time, so the last state's rows are the examples' steps.
  for (const char* signature :
       {"mlp.onnx: IR 8, opset 17, 30 nodes, x[N,6] -> output[N,4]",
        "cnn.onnx: IR 8, opset 17, 8 nodes, x[N,2,10,9] -> output[N,3]",
        "lstm_time_first.onnx: IR 8, opset 17, 5 nodes, x[N,4,3] -> output[4,2]",
        "graph.onnx: IR 8, opset 17, 10 nodes, a[N,5] b[N,3] -> output[N,2]",
        "graph_opset13.onnx: IR 8, opset 13, 18 nodes, a[N,5] b[N,3] -> output[N,2]",
        "embedding_lstm.onnx: IR 8, opset 17, 6 nodes, x[3,6] -> output[3,2]"})
    EXPECT_NE(r.output.find(signature), std::string::npos) << signature;
}

// onnxruntime's outputs, recorded under tests/data/onnx_runtime by tools/make_onnx_fixtures.sh
// (onnxruntime is PyPI's, not Debian's), are checked on every machine; where an interpreter has
// onnxruntime, the exported files run in it too.
TEST_F(OnnxExport, OnnxRuntimeComputesWhatScidlComputesOnEveryTestModel) {
  ASSERT_EQ(case_files_.size(), cases().size());
  const std::string python = onnxruntime_python();
  if (const char* record = std::getenv("SCIDL_RECORD_ONNX_FIXTURES")) {
    ASSERT_FALSE(python.empty()) << "recording needs an interpreter with onnxruntime";
    const auto r =
        run_shell(python + " " + kCheckScript + " record " + record + joined(case_files_));
    EXPECT_EQ(r.status, 0) << r.output;
    return;
  }
  const std::string recorded = std::string(SCIDL_TEST_DATA) + "/onnx_runtime";
  const auto fixed =
      run_shell("/usr/bin/python3 " + kCheckScript + " fixture " + recorded + joined(case_files_));
  EXPECT_EQ(fixed.status, 0) << fixed.output;
  std::cout << fixed.output;
  if (python.empty()) return;
  const auto live = run_shell(python + " " + kCheckScript + " run" + joined(case_files_));
  EXPECT_EQ(live.status, 0) << live.output;
  std::cout << live.output;
}

TEST(OnnxExportRefusals, AGraphNetworkLayerIsRefusedByNameAndNothingIsWritten) {
  TempDir dir("onnx_refusal");
  const json spec = json::parse(R"({"inputs": 3, "layers": [
      {"type": "graphconv", "units": 4}, {"type": "global_mean_pool"},
      {"type": "dense", "units": 1}]})");
  io::save_model(dir.path / "gnn.scidl", *nn::build_model(spec, 1), spec);
  const auto out = dir.path / "gnn.onnx";
  const auto r = run_cli(fmt::format("export-onnx --model {} --output {}",
                                     (dir.path / "gnn.scidl").string(), out.string()));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("layer 0 (GraphConv"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("type GraphConv"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gnn.scidl"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path),
                          std::filesystem::directory_iterator()),
            1);  // no temporary file left either
}

TEST(OnnxExportRefusals, ANormalizationNeverAdaptedIsRefusedAsScidlRefusesToRunIt) {
  TempDir dir("onnx_unadapted");
  const json spec = json::parse(R"({"inputs": 3, "layers": [{"type": "normalization"},
      {"type": "dense", "units": 1}]})");
  io::save_model(dir.path / "m.scidl", *nn::build_model(spec, 1), spec);
  const auto r =
      run_cli(fmt::format("export-onnx --model {} --output {}", (dir.path / "m.scidl").string(),
                          (dir.path / "m.onnx").string()));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_NE(r.output.find("Normalization(3) was never adapted"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "m.onnx"));
}

TEST(OnnxExportRefusals, MissingOrCorruptModelFilesAndMissingFoldersAreNamed) {
  TempDir dir("onnx_bad_input");
  const auto missing =
      run_cli(fmt::format("export-onnx --model {} --output {}", (dir.path / "none.scidl").string(),
                          (dir.path / "m.onnx").string()));
  EXPECT_NE(missing.status, 0);
  EXPECT_NE(missing.output.find("none.scidl"), std::string::npos) << missing.output;

  write_text(dir.path / "corrupt.scidl", "not a model file at all");
  const auto corrupt =
      run_cli(fmt::format("export-onnx --model {} --output {}",
                          (dir.path / "corrupt.scidl").string(), (dir.path / "m.onnx").string()));
  EXPECT_EQ(corrupt.status, 1) << corrupt.output;
  EXPECT_NE(corrupt.output.find("corrupt.scidl"), std::string::npos) << corrupt.output;

  const json spec = json::parse(R"({"inputs": 2, "layers": [{"type": "dense", "units": 1}]})");
  io::save_model(dir.path / "ok.scidl", *nn::build_model(spec, 1), spec);
  const auto no_folder =
      run_cli(fmt::format("export-onnx --model {} --output {}", (dir.path / "ok.scidl").string(),
                          (dir.path / "absent" / "m.onnx").string()));
  EXPECT_EQ(no_folder.status, 1) << no_folder.output;
  EXPECT_NE(
      no_folder.output.find("the folder '" + (dir.path / "absent").string() + "' does not exist"),
      std::string::npos)
      << no_folder.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path / "m.onnx"));
}

TEST(OnnxExportRefusals, BatchAndOpsetOutOfRangeAreUsageErrors) {
  TempDir dir("onnx_usage");
  write_text(dir.path / "m.scidl", "");
  for (const char* batch : {"0", "-2", "dynamc", "3x"}) {
    const auto r = run_cli(fmt::format("export-onnx --model {} --output {} --batch={}",
                                       (dir.path / "m.scidl").string(),
                                       (dir.path / "m.onnx").string(), batch));
    EXPECT_EQ(r.status, 2) << batch << ": " << r.output;
    EXPECT_NE(r.output.find("--batch"), std::string::npos) << r.output;
  }
  const auto r =
      run_cli(fmt::format("export-onnx --model {} --output {} --opset 18",
                          (dir.path / "m.scidl").string(), (dir.path / "m.onnx").string()));
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("--opset"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace scidl::testing
