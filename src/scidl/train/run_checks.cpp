#include "scidl/train/run_checks.h"

#include <fmt/format.h>

#include <regex>

#include "scidl/io/text_encoding.h"
#include "scidl/train/callbacks/model_checkpoint.h"
#include "scidl/train/run_folder.h"

namespace scidl::train {

namespace {

constexpr const char* kNothingWritten = "nothing was written";

void check_config_text(const RunConfig& c) {
  auto bad = io::find_non_utf8(to_json(c));
  if (!bad) return;
  const std::string what = bad->is_key ? "a key" : "the value";
  throw std::invalid_argument(fmt::format(
      "{}: {} of {} is '{}', which is not UTF-8 text; the run stores its config as UTF-8 "
      "(config.json, config.toml, the checkpoint). {}; {}",
      c.source_name, what, bad->key_path, io::printable(bad->text),
      bad->key_path == "output.dir" ? "Choose a run folder whose name is UTF-8 (--out DIR)"
                                    : "Rename it, or the file or folder it names, in UTF-8",
      kNothingWritten));
}

void check_spec_text(const nlohmann::json& spec, const std::string& data) {
  auto bad = io::find_non_utf8(spec);
  if (!bad) return;
  // input_range.names[2], input_columns.x[0], window.columns[1]: a column of the data.
  static const std::regex column(
      R"((input_range\.names|input_columns\.[^\[]*|window\.columns)\[(\d+)\])");
  std::smatch m;
  if (!bad->is_key && std::regex_match(bad->key_path, m, column))
    throw std::invalid_argument(fmt::format(
        "{}: column {} is named '{}', which is not UTF-8 text; the model files store column "
        "names as UTF-8. Save the CSV file as UTF-8, or rename the column; {}",
        data, std::stoi(m[2]) + 1, io::printable(bad->text), kNothingWritten));
  throw std::invalid_argument(
      fmt::format("the model's spec holds '{}' at {}, which is not UTF-8 text; the model files "
                  "store it as UTF-8: rename it in UTF-8; {}",
                  io::printable(bad->text), bad->key_path, kNothingWritten));
}

// Paths of callback files relative to the run folder, as the config wrote them; absolute ones
// and templated model-checkpoint names are left out.
std::vector<std::pair<std::string, std::string>> callback_files(const RunConfig& c) {
  std::vector<std::pair<std::string, std::string>> files;  // {path, "callbacks[1].filename"}
  for (const auto& s : c.callbacks) {
    if (s.type == "csv_logger") files.emplace_back(s.csv_logger.filename, s.where + ".filename");
    if (s.type == "tensorboard")
      files.emplace_back(s.tensorboard.log_dir.string(), s.where + ".log_dir");
    if (s.type == "model_checkpoint" && s.model_checkpoint.filepath.find('{') == std::string::npos)
      files.emplace_back(s.model_checkpoint.filepath, s.where + ".filepath");
  }
  return files;
}

void check_callback_files(const RunConfig& c) {
  Logs sample;
  for (const auto& name : logged_names(c)) sample[name] = 0.5;
  sample["time_s"] = 0.5;
  for (const auto& s : c.callbacks)
    if (s.type == "model_checkpoint") try {
        ModelCheckpoint(s.model_checkpoint, nlohmann::json::object()).path_for(0, sample);
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(fmt::format("{}: {}.filepath: {}; {}", c.source_name, s.where,
                                                e.what(), kNothingWritten));
      }
  std::vector<std::string> own = run_files();
  own.push_back("config.toml");
  for (const auto& [path, key] : callback_files(c)) {
    const auto normal = std::filesystem::path(path).lexically_normal().string();
    if (normal.empty() || normal == "." || normal == "./" || normal.rfind("..", 0) == 0)
      throw std::invalid_argument(
          fmt::format("{}: {} is '{}', which is not inside the run folder; name a file or "
                      "folder in it; {}",
                      c.source_name, key, path, kNothingWritten));
    if (std::find(own.begin(), own.end(), normal) != own.end())
      throw std::invalid_argument(
          fmt::format("{}: {} is '{}', a file the run itself writes; choose another name; {}",
                      c.source_name, key, path, kNothingWritten));
  }
}

}  // namespace

void check_run_writes(const RunConfig& c, const nlohmann::json& saved_spec,
                      const std::string& data) {
  check_config_text(c);
  check_spec_text(saved_spec, data);
  check_callback_files(c);
}

std::vector<std::string> run_outputs(const RunConfig& c) {
  std::vector<std::string> out = run_files();
  for (const char* f : {"config.toml", "plots", "confusion_matrix.csv"}) out.push_back(f);
  for (const auto& [path, key] : callback_files(c)) {
    const auto p = std::filesystem::path(path).lexically_normal();
    if (p.is_relative() && !p.empty() && *p.begin() != "..") out.push_back(p.string());
  }
  return out;
}

}  // namespace scidl::train
