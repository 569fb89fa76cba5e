#include "scidl/nn/model_io.h"

#include <fmt/format.h>

#include <cstring>

#include "scidl/io/model_file.h"
#include "scidl/io/safetensors.h"
#include "scidl/nn/model_spec.h"

namespace scidl::io {

namespace {
ElementType element_type(DType d) {
  switch (d) {
    case DType::Float32:
      return ElementType::Float32;
    case DType::Float64:
      return ElementType::Float64;
    default:
      return ElementType::Int64;
  }
}
DType tensor_dtype(ElementType e) {
  switch (e) {
    case ElementType::Float32:
      return DType::Float32;
    case ElementType::Float64:
      return DType::Float64;
    default:
      return DType::Int64;
  }
}
}  // namespace

NamedArray to_named_array(const std::string& name, const Tensor& t) {
  Tensor c = t.contiguous();
  NamedArray a{name, element_type(t.dtype()), t.shape(), {}};
  a.data.resize(c.numel() * dtype_size(c.dtype()));
  if (!a.data.empty()) std::memcpy(a.data.data(), c.raw_data(), a.data.size());
  return a;
}

Tensor from_named_array(const NamedArray& a) {
  Tensor t = empty(a.shape, tensor_dtype(a.dtype));
  if (!a.data.empty()) std::memcpy(t.raw_data(), a.data.data(), a.data.size());
  return t;
}

void save_tensors(const std::filesystem::path& path, const std::map<std::string, Tensor>& tensors,
                  const nlohmann::json& meta) {
  std::vector<NamedArray> arrays;
  for (const auto& [name, t] : tensors) arrays.push_back(to_named_array(name, t));
  write_model_file(path, meta, arrays);
}

std::map<std::string, Tensor> load_tensors(const std::filesystem::path& path,
                                           nlohmann::json* meta) {
  ModelFile f = read_model_file(path);
  if (meta) *meta = f.meta;
  std::map<std::string, Tensor> out;
  for (const auto& a : f.arrays) out[a.name] = from_named_array(a);
  return out;
}

void save_model(const std::filesystem::path& path, const nn::Module& model,
                const nlohmann::json& spec, const nlohmann::json& extra) {
  nlohmann::json meta = extra;
  meta["kind"] = "scidl-model";
  meta["spec"] = spec;
  meta["scidl_version"] = SCIDL_VERSION;
  // Stacks keep version 1 (absent), so older scidl still reads them; graphs are version 2.
  if (nn::is_graph_spec(spec)) meta["model_spec_version"] = kModelSpecVersion;
  save_tensors(path, model.state_dict(), meta);
}

LoadedModel load_model(const std::filesystem::path& path) {
  nlohmann::json meta;
  auto state = load_tensors(path, &meta);
  if (meta.value("kind", std::string()) != "scidl-model" || !meta.contains("spec"))
    throw ModelFileError(
        ModelFileError::Kind::NotAModelFile,
        fmt::format(
            "'{}' is a scidl file but not a model (it holds {}); pass the model file written by "
            "`scidl train` (best.scidl or last.scidl in the run folder)",
            path.string(), meta.value("kind", std::string("no kind"))));
  const auto version = meta.value("model_spec_version", int64_t{1});
  if (version > kModelSpecVersion || version < 1)
    throw ModelFileError(
        ModelFileError::Kind::UnsupportedVersion,
        fmt::format(
            "'{}' holds a model of spec version {}, written by a newer scidl; this build reads "
            "model spec versions 1 to {}: update scidl to load it",
            path.string(), version, kModelSpecVersion));
  LoadedModel m;
  m.spec = meta["spec"];
  m.meta = meta;
  m.model = nn::build_model(m.spec, 0);
  try {
    m.model->load_state_dict(state);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("'{}': {}", path.string(), e.what()));
  }
  return m;
}

void export_safetensors(const std::filesystem::path& path, const nn::Module& model) {
  std::vector<NamedArray> arrays;
  for (const auto& [name, t] : model.state_dict()) arrays.push_back(to_named_array(name, t));
  write_safetensors(path, arrays, {{"format", "pt"}, {"producer", "scidl " SCIDL_VERSION}});
}

void import_safetensors(const std::filesystem::path& path, nn::Module& model) {
  auto arrays = read_safetensors(path);
  std::map<std::string, Tensor> state;
  for (const auto& a : arrays) state[a.name] = from_named_array(a);
  auto mine = model.state_dict();
  for (auto& [name, t] : state)
    if (auto it = mine.find(name); it != mine.end() && t.dtype() != it->second.dtype())
      t = t.to(it->second.dtype());
  try {
    model.load_state_dict(state);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("'{}': {}", path.string(), e.what()));
  }
}

}  // namespace scidl::io
