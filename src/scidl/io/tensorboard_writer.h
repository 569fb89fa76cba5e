// Writes TensorBoard event files (scalars, histograms, images, text, hparams, the model's graph)
// with no protobuf library.
// Contract: the constructor creates `logdir` (and parents) and a new file
// events.out.tfevents.<10-digit unix time>.<hostname> in it (".1", ".2", ... appended if that name
// is taken), whose first record is Event{wall_time, file_version = "brain.Event:2"}. Every add_*
// appends one Event record framed as TFRecord: uint64 length LE, masked CRC-32C of those 8 bytes,
// the serialized Event, masked CRC-32C of it. Writes are buffered: call flush() after each
// epoch-level write so a crashed run keeps what it logged; the hparams calls and the destructor
// flush by themselves. I/O failures throw std::runtime_error naming the file. Not thread-safe.
//
//   TensorBoardWriter tb("runs/sweep/trial_3");
//   tb.session_start({{"lr", 0.01}, {"optimizer", "adam"}, {"batch_norm", true}});
//   for (epoch...) { tb.add_scalar("loss", loss, epoch); tb.add_histogram("fc1/w", w, epoch);
//                    tb.flush(); }
//   tb.session_end(SessionStatus::success);
// with add_hparams_experiment({...}) written once by a writer on "runs/sweep". Check a log
// directory with TensorBoard's own reader: python3 tools/check_tensorboard.py runs/sweep
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "scidl/io/plot_png.h"
#include "scidl/io/tensorboard_graph.h"

namespace scidl::io {

// ---- hparams plugin vocabulary (tensorboard/plugins/hparams/api.proto) ----------------------

// A hyperparameter value. google.protobuf.Value has no integers: write 64.0, not 64 (an int does
// not convert implicitly). String literals select std::string.
using HParamValue = std::variant<double, std::string, bool>;
using HParamMap = std::map<std::string, HParamValue, std::less<>>;

enum class HParamType { unset = 0, string = 1, boolean = 2, float64 = 3 };  // api.proto DataType
enum class DatasetType { unknown = 0, training = 1, validation = 2 };       // api.proto DatasetType
// api.proto Status
enum class SessionStatus { unknown = 0, success = 1, failure = 2, running = 3 };

// One hyperparameter column of the HPARAMS tab: either a discrete set of values or an interval.
struct HParamSpec {
  std::string name;
  HParamType type = HParamType::unset;
  std::vector<HParamValue> discrete_domain;           // empty: no discrete domain
  std::optional<std::pair<double, double>> interval;  // [min, max] for float64 hparams
  std::string display_name;
  std::string description;
};

// One metric column: the scalar tag it reads, and the run suffix ("group") it lives in, "" for
// the session's own run.
struct MetricSpec {
  std::string tag;
  std::string group;
  std::string display_name;
  std::string description;
  DatasetType dataset_type = DatasetType::unknown;
};

struct HParamsExperiment {
  std::vector<HParamSpec> hparams;
  std::vector<MetricSpec> metrics;
  std::string name;
  std::string description;
  double time_created_secs = 0;  // 0: now
};

// ---- the writer ------------------------------------------------------------------------------

class TensorBoardWriter {
 public:
  explicit TensorBoardWriter(std::filesystem::path logdir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // A point on the SCALARS tab. Stored as Summary.Value.simple_value, a float32.
  void add_scalar(std::string_view tag, double value, std::int64_t step);

  // A HistogramProto over the finite values (NaN and infinities are ignored): min, max, num, sum,
  // sum of squares and 30 equal-width buckets over [min, max]; bucket i counts values in
  // (bucket_limit[i-1], bucket_limit[i]], the first also takes min. No finite values: one empty
  // bucket at 0.
  void add_histogram(std::string_view tag, std::span<const double> values, std::int64_t step);
  void add_histogram(std::string_view tag, std::span<const float> values, std::int64_t step);

  // A picture on the IMAGES tab: Summary.Value.image, an RGB PNG (Summary.Image colorspace 3).
  void add_image(std::string_view tag, const RgbImage& image, std::int64_t step);

  // The GRAPHS tab: an Event whose graph_def holds the GraphDef of `nodes`
  // (io/tensorboard_graph.h).
  void add_graph(const std::vector<GraphNode>& nodes);

  // Markdown on the TEXT tab: a scalar DT_STRING tensor with plugin_name "text".
  void add_text(std::string_view tag, std::string_view markdown, std::int64_t step);

  // The HPARAMS tab. Write the experiment (columns: hparams and metrics) once, typically in the
  // log directory's root run; then, in each session's run, session_start before training and
  // session_end after. Times of 0 mean now. Each call flushes.
  void add_hparams_experiment(const HParamsExperiment& experiment);
  void session_start(const HParamMap& hparams, std::string_view group_name = {},
                     double start_time_secs = 0);
  void session_end(SessionStatus status, double end_time_secs = 0);

  void flush();

  const std::filesystem::path& file_path() const { return path_; }

 private:
  void write_event(std::string_view summary, std::int64_t step);
  void write_event_field(std::uint32_t field, std::string_view bytes, std::int64_t step);
  void write_record(std::string_view data);

  std::filesystem::path path_;
  std::ofstream out_;
};

// ---- field numbers, shared with the reader ---------------------------------------------------
// Each constant is the field number in the proto named in its comment.
namespace tensorboard_proto {
// tensorboard/compat/proto/event.proto, message Event
inline constexpr std::uint32_t kEventWallTime = 1;     // double wall_time
inline constexpr std::uint32_t kEventStep = 2;         // int64 step
inline constexpr std::uint32_t kEventFileVersion = 3;  // string file_version (oneof what)
inline constexpr std::uint32_t kEventGraphDef = 4;     // bytes graph_def (oneof what)
inline constexpr std::uint32_t kEventSummary = 5;      // Summary summary (oneof what)
// tensorboard/compat/proto/summary.proto, message Summary / Summary.Value
inline constexpr std::uint32_t kSummaryValue = 1;      // repeated Value value
inline constexpr std::uint32_t kValueTag = 1;          // string tag
inline constexpr std::uint32_t kValueSimpleValue = 2;  // float simple_value (oneof value)
inline constexpr std::uint32_t kValueImage = 4;        // Image image (oneof value)
inline constexpr std::uint32_t kValueHisto = 5;        // HistogramProto histo (oneof value)
inline constexpr std::uint32_t kValueTensor = 8;       // TensorProto tensor (oneof value)
inline constexpr std::uint32_t kValueMetadata = 9;     // SummaryMetadata metadata
// summary.proto, message Summary.Image
inline constexpr std::uint32_t kImageHeight = 1;      // int32 height
inline constexpr std::uint32_t kImageWidth = 2;       // int32 width
inline constexpr std::uint32_t kImageColorspace = 3;  // int32 colorspace: 1 grey ... 3 RGB
inline constexpr std::uint32_t kImageEncoded = 4;     // bytes encoded_image_string (PNG)
inline constexpr std::int64_t kColorspaceRgb = 3;
// summary.proto, message SummaryMetadata and SummaryMetadata.PluginData
inline constexpr std::uint32_t kMetadataPluginData = 1;    // PluginData plugin_data
inline constexpr std::uint32_t kPluginDataPluginName = 1;  // string plugin_name
inline constexpr std::uint32_t kPluginDataContent = 2;     // bytes content
// tensorboard/compat/proto/histogram.proto, message HistogramProto
inline constexpr std::uint32_t kHistoMin = 1;          // double min
inline constexpr std::uint32_t kHistoMax = 2;          // double max
inline constexpr std::uint32_t kHistoNum = 3;          // double num
inline constexpr std::uint32_t kHistoSum = 4;          // double sum
inline constexpr std::uint32_t kHistoSumSquares = 5;   // double sum_squares
inline constexpr std::uint32_t kHistoBucketLimit = 6;  // repeated double bucket_limit, packed
inline constexpr std::uint32_t kHistoBucket = 7;       // repeated double bucket, packed
// tensorboard/compat/proto/tensor.proto, message TensorProto; types.proto, enum DataType
inline constexpr std::uint32_t kTensorDtype = 1;      // DataType dtype
inline constexpr std::uint32_t kTensorShape = 2;      // TensorShapeProto tensor_shape
inline constexpr std::uint32_t kTensorFloatVal = 5;   // repeated float float_val, packed
inline constexpr std::uint32_t kTensorDoubleVal = 6;  // repeated double double_val, packed
inline constexpr std::uint32_t kTensorStringVal = 8;  // repeated bytes string_val
inline constexpr std::int64_t kDtFloat = 1;           // DT_FLOAT
inline constexpr std::int64_t kDtDouble = 2;          // DT_DOUBLE
inline constexpr std::int64_t kDtString = 7;          // DT_STRING
// tensorboard/compat/proto/tensor_shape.proto, TensorShapeProto and TensorShapeProto.Dim
inline constexpr std::uint32_t kShapeDim = 2;  // repeated Dim dim
inline constexpr std::uint32_t kDimSize = 1;   // int64 size
// tensorboard/plugins/hparams/plugin_data.proto, message HParamsPluginData
inline constexpr std::uint32_t kHParamsVersion = 1;           // int32 version
inline constexpr std::uint32_t kHParamsExperiment = 2;        // Experiment (oneof data)
inline constexpr std::uint32_t kHParamsSessionStartInfo = 3;  // SessionStartInfo (oneof data)
inline constexpr std::uint32_t kHParamsSessionEndInfo = 4;    // SessionEndInfo (oneof data)
// plugin_data.proto, message SessionStartInfo / SessionEndInfo
inline constexpr std::uint32_t kStartHParams = 1;    // map<string, google.protobuf.Value> hparams
inline constexpr std::uint32_t kStartGroupName = 4;  // string group_name
inline constexpr std::uint32_t kStartTimeSecs = 5;   // double start_time_secs
inline constexpr std::uint32_t kEndStatus = 1;       // Status status
inline constexpr std::uint32_t kEndTimeSecs = 2;     // double end_time_secs
// A map<K, V> field is encoded as repeated entries {K key = 1; V value = 2;}
inline constexpr std::uint32_t kMapKey = 1;
inline constexpr std::uint32_t kMapValue = 2;
// tensorboard/plugins/hparams/api.proto, message Experiment
inline constexpr std::uint32_t kExperimentDescription = 1;  // string description
inline constexpr std::uint32_t kExperimentTimeCreated = 3;  // double time_created_secs
inline constexpr std::uint32_t kExperimentHParamInfos = 4;  // repeated HParamInfo hparam_infos
inline constexpr std::uint32_t kExperimentMetricInfos = 5;  // repeated MetricInfo metric_infos
inline constexpr std::uint32_t kExperimentName = 6;         // string name
// api.proto, message HParamInfo
inline constexpr std::uint32_t kHParamInfoName = 1;            // string name
inline constexpr std::uint32_t kHParamInfoDisplayName = 2;     // string display_name
inline constexpr std::uint32_t kHParamInfoDescription = 3;     // string description
inline constexpr std::uint32_t kHParamInfoType = 4;            // DataType type
inline constexpr std::uint32_t kHParamInfoDomainDiscrete = 5;  // google.protobuf.ListValue
inline constexpr std::uint32_t kHParamInfoDomainInterval = 6;  // Interval domain_interval
inline constexpr std::uint32_t kIntervalMin = 1;               // Interval.min_value
inline constexpr std::uint32_t kIntervalMax = 2;               // Interval.max_value
// api.proto, message MetricInfo / MetricName
inline constexpr std::uint32_t kMetricInfoName = 1;         // MetricName name
inline constexpr std::uint32_t kMetricInfoDisplayName = 3;  // string display_name
inline constexpr std::uint32_t kMetricInfoDescription = 4;  // string description
inline constexpr std::uint32_t kMetricInfoDatasetType = 5;  // DatasetType dataset_type
inline constexpr std::uint32_t kMetricNameGroup = 1;        // string group
inline constexpr std::uint32_t kMetricNameTag = 2;          // string tag
// google/protobuf/struct.proto, message Value (oneof kind) and ListValue
inline constexpr std::uint32_t kStructNumberValue = 2;  // double number_value
inline constexpr std::uint32_t kStructStringValue = 3;  // string string_value
inline constexpr std::uint32_t kStructBoolValue = 4;    // bool bool_value
inline constexpr std::uint32_t kStructListValues = 1;   // ListValue: repeated Value values

inline constexpr std::string_view kFileVersion = "brain.Event:2";
inline constexpr std::string_view kTextPluginName = "text";
inline constexpr std::string_view kHParamsPluginName = "hparams";
inline constexpr std::int64_t kHParamsPluginDataVersion = 0;  // hparams/metadata.py
inline constexpr std::string_view kExperimentTag = "_hparams_/experiment";
inline constexpr std::string_view kSessionStartInfoTag = "_hparams_/session_start_info";
inline constexpr std::string_view kSessionEndInfoTag = "_hparams_/session_end_info";
}  // namespace tensorboard_proto

}  // namespace scidl::io
