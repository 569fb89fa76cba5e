// TensorBoard event writer: encodes Event/Summary/plugin messages by hand and frames them as
// TFRecords (see tensorboard_writer.h for the format and the field numbers).
#include "scidl/io/tensorboard_writer.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "scidl/io/crc32c.h"
#include "scidl/io/protobuf_writer.h"

namespace scidl::io {
namespace pb = tensorboard_proto;
namespace {

constexpr int kHistogramBuckets = 30;

double now_secs() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string host_name() {
  std::array<char, 256> name{};
  if (gethostname(name.data(), name.size() - 1) != 0 || name[0] == '\0') return "localhost";
  return name.data();
}

std::filesystem::path unused_event_file_name(const std::filesystem::path& logdir) {
  std::array<char, 32> stamp{};
  std::snprintf(stamp.data(), stamp.size(), "%010lld", static_cast<long long>(now_secs()));
  const std::string base = std::string("events.out.tfevents.") + stamp.data() + "." + host_name();
  std::filesystem::path path = logdir / base;
  for (int n = 1; std::filesystem::exists(path); ++n)
    path = logdir / (base + "." + std::to_string(n));
  return path;
}

// ---- Summary.Value builders ----

ProtoWriter plugin_metadata(std::string_view plugin_name, std::string_view content) {
  ProtoWriter plugin_data;
  plugin_data.add_bytes(pb::kPluginDataPluginName, plugin_name);
  plugin_data.add_bytes(pb::kPluginDataContent, content);
  ProtoWriter metadata;
  metadata.add_message(pb::kMetadataPluginData, plugin_data);
  return metadata;
}

// Wraps one Summary.Value (tag + whatever the caller already added) into a Summary.
std::string summary_of(const ProtoWriter& value) {
  ProtoWriter summary;
  summary.add_message(pb::kSummaryValue, value);
  return summary.release();
}

ProtoWriter histogram_proto(std::span<const double> values) {
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double v : values)
    if (std::isfinite(v)) finite.push_back(v);

  ProtoWriter histo;
  if (finite.empty()) {
    const std::array<double, 1> zero{0.0};
    for (auto field :
         {pb::kHistoMin, pb::kHistoMax, pb::kHistoNum, pb::kHistoSum, pb::kHistoSumSquares})
      histo.add_double(field, 0.0);
    histo.add_packed_doubles(pb::kHistoBucketLimit, zero);
    histo.add_packed_doubles(pb::kHistoBucket, zero);
    return histo;
  }
  const auto [min_it, max_it] = std::minmax_element(finite.begin(), finite.end());
  const double lo = *min_it, hi = *max_it;
  double sum = 0, sum_squares = 0;
  for (double v : finite) {
    sum += v;
    sum_squares += v * v;
  }
  // Equal widths over [lo, hi]; the last limit is exactly hi so every value has a bucket.
  const int buckets = hi > lo ? kHistogramBuckets : 1;
  std::vector<double> limits(buckets), counts(buckets, 0.0);
  for (int i = 0; i < buckets; ++i) limits[i] = lo + (hi - lo) * (i + 1) / buckets;
  limits.back() = hi;
  for (double v : finite) {
    const auto bucket = std::lower_bound(limits.begin(), limits.end(), v) - limits.begin();
    counts[static_cast<std::size_t>(bucket)] += 1;
  }
  histo.add_double(pb::kHistoMin, lo);
  histo.add_double(pb::kHistoMax, hi);
  histo.add_double(pb::kHistoNum, static_cast<double>(finite.size()));
  histo.add_double(pb::kHistoSum, sum);
  histo.add_double(pb::kHistoSumSquares, sum_squares);
  histo.add_packed_doubles(pb::kHistoBucketLimit, limits);
  histo.add_packed_doubles(pb::kHistoBucket, counts);
  return histo;
}

// ---- hparams plugin messages ----

ProtoWriter struct_value(const HParamValue& value) {
  ProtoWriter out;
  if (const auto* number = std::get_if<double>(&value))
    out.add_double(pb::kStructNumberValue, *number);
  else if (const auto* text = std::get_if<std::string>(&value))
    out.add_bytes(pb::kStructStringValue, *text);
  else
    out.add_bool(pb::kStructBoolValue, std::get<bool>(value));
  return out;
}

ProtoWriter hparam_info(const HParamSpec& spec) {
  ProtoWriter info;
  info.add_bytes(pb::kHParamInfoName, spec.name);
  if (!spec.display_name.empty()) info.add_bytes(pb::kHParamInfoDisplayName, spec.display_name);
  if (!spec.description.empty()) info.add_bytes(pb::kHParamInfoDescription, spec.description);
  info.add_int64(pb::kHParamInfoType, static_cast<std::int64_t>(spec.type));
  if (!spec.discrete_domain.empty()) {
    ProtoWriter list;
    for (const auto& v : spec.discrete_domain)
      list.add_message(pb::kStructListValues, struct_value(v));
    info.add_message(pb::kHParamInfoDomainDiscrete, list);
  } else if (spec.interval) {
    ProtoWriter interval;
    interval.add_double(pb::kIntervalMin, spec.interval->first);
    interval.add_double(pb::kIntervalMax, spec.interval->second);
    info.add_message(pb::kHParamInfoDomainInterval, interval);
  }
  return info;
}

ProtoWriter metric_info(const MetricSpec& spec) {
  ProtoWriter name;
  name.add_bytes(pb::kMetricNameGroup, spec.group);
  name.add_bytes(pb::kMetricNameTag, spec.tag);
  ProtoWriter info;
  info.add_message(pb::kMetricInfoName, name);
  if (!spec.display_name.empty()) info.add_bytes(pb::kMetricInfoDisplayName, spec.display_name);
  if (!spec.description.empty()) info.add_bytes(pb::kMetricInfoDescription, spec.description);
  info.add_int64(pb::kMetricInfoDatasetType, static_cast<std::int64_t>(spec.dataset_type));
  return info;
}

// A summary holding HParamsPluginData{version 0, <data_field> = data} under `tag`, with the
// plugin's null tensor (an empty DT_FLOAT vector, hparams/metadata.py NULL_TENSOR) as value.
std::string hparams_summary(std::string_view tag, std::uint32_t data_field,
                            const ProtoWriter& data) {
  ProtoWriter plugin_data;
  plugin_data.add_int64(pb::kHParamsVersion, pb::kHParamsPluginDataVersion);
  plugin_data.add_message(data_field, data);

  ProtoWriter empty_dim;  // Dim{size: 0}; proto3 leaves the zero out
  ProtoWriter shape;
  shape.add_message(pb::kShapeDim, empty_dim);
  ProtoWriter null_tensor;
  null_tensor.add_int64(pb::kTensorDtype, pb::kDtFloat);
  null_tensor.add_message(pb::kTensorShape, shape);

  ProtoWriter value;
  value.add_bytes(pb::kValueTag, tag);
  value.add_message(pb::kValueMetadata,
                    plugin_metadata(pb::kHParamsPluginName, plugin_data.bytes()));
  value.add_message(pb::kValueTensor, null_tensor);
  return summary_of(value);
}

}  // namespace

TensorBoardWriter::TensorBoardWriter(std::filesystem::path logdir) {
  std::error_code error;
  std::filesystem::create_directories(logdir, error);
  if (error)
    throw std::runtime_error("TensorBoardWriter: cannot create log directory '" + logdir.string() +
                             "': " + error.message());
  path_ = unused_event_file_name(logdir);
  out_.open(path_, std::ios::binary | std::ios::out);
  if (!out_)
    throw std::runtime_error("TensorBoardWriter: cannot open '" + path_.string() +
                             "' for writing; check the directory's permissions and free space");
  ProtoWriter event;
  event.add_double(pb::kEventWallTime, now_secs());
  event.add_bytes(pb::kEventFileVersion, pb::kFileVersion);
  write_record(event.bytes());
  flush();
}

TensorBoardWriter::~TensorBoardWriter() {
  // Destructors must not throw; a failed final flush leaves the records written so far.
  if (out_.is_open()) out_.flush();
}

void TensorBoardWriter::add_scalar(std::string_view tag, double value, std::int64_t step) {
  ProtoWriter summary_value;
  summary_value.add_bytes(pb::kValueTag, tag);
  summary_value.add_float(pb::kValueSimpleValue, static_cast<float>(value));
  write_event(summary_of(summary_value), step);
}

void TensorBoardWriter::add_histogram(std::string_view tag, std::span<const double> values,
                                      std::int64_t step) {
  ProtoWriter summary_value;
  summary_value.add_bytes(pb::kValueTag, tag);
  summary_value.add_message(pb::kValueHisto, histogram_proto(values));
  write_event(summary_of(summary_value), step);
}

void TensorBoardWriter::add_histogram(std::string_view tag, std::span<const float> values,
                                      std::int64_t step) {
  const std::vector<double> widened(values.begin(), values.end());
  add_histogram(tag, std::span<const double>(widened), step);
}

void TensorBoardWriter::add_image(std::string_view tag, const RgbImage& image, std::int64_t step) {
  ProtoWriter picture;
  picture.add_int64(pb::kImageHeight, image.height);
  picture.add_int64(pb::kImageWidth, image.width);
  picture.add_int64(pb::kImageColorspace, pb::kColorspaceRgb);
  picture.add_bytes(pb::kImageEncoded, encode_png(image));
  ProtoWriter summary_value;
  summary_value.add_bytes(pb::kValueTag, tag);
  summary_value.add_message(pb::kValueImage, picture);
  write_event(summary_of(summary_value), step);
}

void TensorBoardWriter::add_graph(const std::vector<GraphNode>& nodes) {
  write_event_field(pb::kEventGraphDef, encode_graph_def(nodes), 0);
}

void TensorBoardWriter::add_text(std::string_view tag, std::string_view markdown,
                                 std::int64_t step) {
  ProtoWriter scalar_shape;  // no dims: a rank-0 tensor
  ProtoWriter tensor;
  tensor.add_int64(pb::kTensorDtype, pb::kDtString);
  tensor.add_message(pb::kTensorShape, scalar_shape);
  tensor.add_bytes(pb::kTensorStringVal, markdown);

  ProtoWriter summary_value;
  summary_value.add_bytes(pb::kValueTag, tag);
  // TextPluginData{version = 0} serializes to zero bytes (plugins/text/plugin_data.proto).
  summary_value.add_message(pb::kValueMetadata, plugin_metadata(pb::kTextPluginName, {}));
  summary_value.add_message(pb::kValueTensor, tensor);
  write_event(summary_of(summary_value), step);
}

void TensorBoardWriter::add_hparams_experiment(const HParamsExperiment& experiment) {
  ProtoWriter data;
  if (!experiment.name.empty()) data.add_bytes(pb::kExperimentName, experiment.name);
  if (!experiment.description.empty())
    data.add_bytes(pb::kExperimentDescription, experiment.description);
  data.add_double(pb::kExperimentTimeCreated,
                  experiment.time_created_secs != 0 ? experiment.time_created_secs : now_secs());
  for (const auto& spec : experiment.hparams)
    data.add_message(pb::kExperimentHParamInfos, hparam_info(spec));
  for (const auto& spec : experiment.metrics)
    data.add_message(pb::kExperimentMetricInfos, metric_info(spec));
  write_event(hparams_summary(pb::kExperimentTag, pb::kHParamsExperiment, data), 0);
  flush();
}

void TensorBoardWriter::session_start(const HParamMap& hparams, std::string_view group_name,
                                      double start_time_secs) {
  ProtoWriter data;
  for (const auto& [name, value] : hparams) {
    ProtoWriter entry;
    entry.add_bytes(pb::kMapKey, name);
    entry.add_message(pb::kMapValue, struct_value(value));
    data.add_message(pb::kStartHParams, entry);
  }
  if (!group_name.empty()) data.add_bytes(pb::kStartGroupName, group_name);
  data.add_double(pb::kStartTimeSecs, start_time_secs != 0 ? start_time_secs : now_secs());
  write_event(hparams_summary(pb::kSessionStartInfoTag, pb::kHParamsSessionStartInfo, data), 0);
  flush();
}

void TensorBoardWriter::session_end(SessionStatus status, double end_time_secs) {
  ProtoWriter data;
  data.add_int64(pb::kEndStatus, static_cast<std::int64_t>(status));
  data.add_double(pb::kEndTimeSecs, end_time_secs != 0 ? end_time_secs : now_secs());
  write_event(hparams_summary(pb::kSessionEndInfoTag, pb::kHParamsSessionEndInfo, data), 0);
  flush();
}

void TensorBoardWriter::flush() {
  out_.flush();
  if (!out_)
    throw std::runtime_error("TensorBoardWriter: flushing '" + path_.string() +
                             "' failed; the disk may be full");
}

void TensorBoardWriter::write_event(std::string_view summary, std::int64_t step) {
  write_event_field(pb::kEventSummary, summary, step);
}

void TensorBoardWriter::write_event_field(std::uint32_t field, std::string_view bytes,
                                          std::int64_t step) {
  ProtoWriter event;
  event.add_double(pb::kEventWallTime, now_secs());
  event.add_int64(pb::kEventStep, step);
  event.add_bytes(field, bytes);
  write_record(event.bytes());
}

void TensorBoardWriter::write_record(std::string_view data) {
  std::array<char, 12> header{};
  const std::uint64_t length = data.size();
  for (int i = 0; i < 8; ++i) header[i] = static_cast<char>((length >> (8 * i)) & 0xFF);
  const std::uint32_t length_crc = masked_crc32c(crc32c(header.data(), 8));
  for (int i = 0; i < 4; ++i) header[8 + i] = static_cast<char>((length_crc >> (8 * i)) & 0xFF);
  const std::uint32_t data_crc = masked_crc32c(crc32c(data));
  std::array<char, 4> footer{};
  for (int i = 0; i < 4; ++i) footer[i] = static_cast<char>((data_crc >> (8 * i)) & 0xFF);

  out_.write(header.data(), header.size());
  out_.write(data.data(), static_cast<std::streamsize>(data.size()));
  out_.write(footer.data(), footer.size());
  if (!out_)
    throw std::runtime_error("TensorBoardWriter: writing a record to '" + path_.string() +
                             "' failed; the disk may be full");
}

}  // namespace scidl::io
