// Reads TensorBoard event files back: checks every record's framing and both CRCs, and decodes
// Events into plain structs (scalars, histograms, images, tensors, plugin metadata, hparams
// content, the model's graph).
// Contract: read_tensorboard_records / read_tensorboard_events read the whole file and either
// return everything or throw TensorBoardReadError naming the file and the byte offset of the
// record at fault (bad length CRC, bad data CRC, truncated record, malformed protobuf). Fields the
// decoder does not know are skipped, as protobuf readers do. Used by tests and tools; the
// training path only writes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "scidl/io/tensorboard_writer.h"

namespace scidl::io {

class TensorBoardReadError : public std::runtime_error {
 public:
  TensorBoardReadError(std::filesystem::path file, std::uint64_t offset, const std::string& what);
  const std::filesystem::path& file() const { return file_; }
  std::uint64_t offset() const { return offset_; }  // byte offset of the record in the file

 private:
  std::filesystem::path file_;
  std::uint64_t offset_;
};

struct EventRecord {
  std::uint64_t offset = 0;  // where the record's length field starts
  std::string data;          // the serialized Event, CRC-checked
};

struct HistogramData {
  double min = 0, max = 0, num = 0, sum = 0, sum_squares = 0;
  std::vector<double> bucket_limit;
  std::vector<double> bucket;
};

struct TensorData {
  std::int64_t dtype = 0;           // tensorboard_proto::kDtFloat, kDtString, ...
  std::vector<std::int64_t> shape;  // empty: rank 0
  std::vector<std::string> string_val;
  std::vector<float> float_val;
  std::vector<double> double_val;
};

struct ImageData {
  std::int64_t height = 0, width = 0, colorspace = 0;
  std::string encoded;  // the PNG file's bytes
};

struct SummaryValue {
  std::string tag;
  std::string plugin_name;     // "" when the value carries no metadata
  std::string plugin_content;  // SummaryMetadata.plugin_data.content, raw bytes
  std::optional<float> simple_value;
  std::optional<HistogramData> histogram;
  std::optional<TensorData> tensor;
  std::optional<ImageData> image;
};

struct Event {
  std::uint64_t record_offset = 0;
  double wall_time = 0;
  std::int64_t step = 0;
  std::string file_version;  // set only on the file's first event
  std::vector<SummaryValue> values;
  std::optional<std::vector<GraphNode>> graph;  // an Event carrying graph_def
};

// Event files (names containing "tfevents") directly inside `logdir`, sorted by name.
std::vector<std::filesystem::path> find_event_files(const std::filesystem::path& logdir);

std::vector<EventRecord> read_tensorboard_records(const std::filesystem::path& file);
std::vector<Event> read_tensorboard_events(const std::filesystem::path& file);

// ---- hparams plugin content (SummaryMetadata.plugin_data.content of plugin "hparams") ----

struct SessionStartInfo {
  HParamMap hparams;
  std::string group_name;
  double start_time_secs = 0;
};

struct SessionEndInfo {
  SessionStatus status = SessionStatus::unknown;
  double end_time_secs = 0;
};

struct HParamsPluginData {
  std::int64_t version = 0;
  std::optional<HParamsExperiment> experiment;
  std::optional<SessionStartInfo> session_start_info;
  std::optional<SessionEndInfo> session_end_info;
};

// Throws ProtobufError (offsets within `content`) when the bytes are malformed.
HParamsPluginData decode_hparams_plugin_data(std::string_view content);

}  // namespace scidl::io
