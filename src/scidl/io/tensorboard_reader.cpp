// TensorBoard event-file reader: TFRecord framing with CRC checks, then a hand-written decode of
// the Event messages the writer produces (field numbers in tensorboard_writer.h).
#include "scidl/io/tensorboard_reader.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "scidl/io/crc32c.h"
#include "scidl/io/protobuf_writer.h"
#include "scidl/io/tensorboard_graph.h"

namespace scidl::io {
namespace pb = tensorboard_proto;
namespace {

std::string hex32(std::uint32_t value) {
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "0x%08x", value);
  return text.data();
}

std::uint64_t load_le(std::string_view bytes, std::size_t at, int width) {
  std::uint64_t value = 0;
  for (int i = 0; i < width; ++i)
    value |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(bytes[at + i])) << (8 * i);
  return value;
}

// Typed accessors that reject a known field arriving with the wrong wire type.
std::string_view bytes_of(const ProtoField& f) {
  f.require(WireType::length_delimited);
  return f.bytes;
}
std::string string_of(const ProtoField& f) { return std::string(bytes_of(f)); }
double double_of(const ProtoField& f) {
  f.require(WireType::fixed64);
  return f.as_double();
}
float float_of(const ProtoField& f) {
  f.require(WireType::fixed32);
  return f.as_float();
}
std::int64_t int64_of(const ProtoField& f) {
  f.require(WireType::varint);
  return f.as_int64();
}
ProtoReader nested_of(const ProtoField& f) {
  f.require(WireType::length_delimited);
  return ProtoReader::nested(f);
}

// ---- core messages ----

HistogramData decode_histogram(ProtoReader reader) {
  HistogramData histo;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kHistoMin:
        histo.min = double_of(f);
        break;
      case pb::kHistoMax:
        histo.max = double_of(f);
        break;
      case pb::kHistoNum:
        histo.num = double_of(f);
        break;
      case pb::kHistoSum:
        histo.sum = double_of(f);
        break;
      case pb::kHistoSumSquares:
        histo.sum_squares = double_of(f);
        break;
      case pb::kHistoBucketLimit:
        ProtoReader::append_doubles(f, histo.bucket_limit);
        break;
      case pb::kHistoBucket:
        ProtoReader::append_doubles(f, histo.bucket);
        break;
      default:
        break;
    }
  }
  return histo;
}

TensorData decode_tensor(ProtoReader reader) {
  TensorData tensor;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kTensorDtype:
        tensor.dtype = int64_of(f);
        break;
      case pb::kTensorShape:
        tensor.shape = decode_tensor_shape(nested_of(f));
        break;
      case pb::kTensorStringVal:
        tensor.string_val.push_back(string_of(f));
        break;
      case pb::kTensorFloatVal:
        ProtoReader::append_floats(f, tensor.float_val);
        break;
      case pb::kTensorDoubleVal:
        ProtoReader::append_doubles(f, tensor.double_val);
        break;
      default:
        break;
    }
  }
  return tensor;
}

ImageData decode_image(ProtoReader reader) {
  ImageData image;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kImageHeight:
        image.height = int64_of(f);
        break;
      case pb::kImageWidth:
        image.width = int64_of(f);
        break;
      case pb::kImageColorspace:
        image.colorspace = int64_of(f);
        break;
      case pb::kImageEncoded:
        image.encoded = string_of(f);
        break;
      default:
        break;
    }
  }
  return image;
}

void decode_metadata(ProtoReader reader, SummaryValue& value) {
  ProtoField f;
  while (reader.next(f)) {
    if (f.number != pb::kMetadataPluginData) continue;
    ProtoReader plugin = nested_of(f);
    ProtoField p;
    while (plugin.next(p)) {
      if (p.number == pb::kPluginDataPluginName) value.plugin_name = string_of(p);
      if (p.number == pb::kPluginDataContent) value.plugin_content = string_of(p);
    }
  }
}

SummaryValue decode_summary_value(ProtoReader reader) {
  SummaryValue value;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kValueTag:
        value.tag = string_of(f);
        break;
      case pb::kValueSimpleValue:
        value.simple_value = float_of(f);
        break;
      case pb::kValueHisto:
        value.histogram = decode_histogram(nested_of(f));
        break;
      case pb::kValueImage:
        value.image = decode_image(nested_of(f));
        break;
      case pb::kValueTensor:
        value.tensor = decode_tensor(nested_of(f));
        break;
      case pb::kValueMetadata:
        decode_metadata(nested_of(f), value);
        break;
      default:
        break;
    }
  }
  return value;
}

Event decode_event(const EventRecord& record) {
  Event event;
  event.record_offset = record.offset;
  ProtoReader reader(record.data);
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kEventWallTime:
        event.wall_time = double_of(f);
        break;
      case pb::kEventStep:
        event.step = int64_of(f);
        break;
      case pb::kEventFileVersion:
        event.file_version = string_of(f);
        break;
      case pb::kEventGraphDef:
        event.graph = decode_graph_def(bytes_of(f));
        break;
      case pb::kEventSummary: {
        ProtoReader summary = nested_of(f);
        ProtoField s;
        while (summary.next(s))
          if (s.number == pb::kSummaryValue)
            event.values.push_back(decode_summary_value(nested_of(s)));
        break;
      }
      default:
        break;
    }
  }
  return event;
}

// ---- hparams plugin messages ----

HParamValue decode_struct_value(ProtoReader reader) {
  HParamValue value = 0.0;
  ProtoField f;
  while (reader.next(f)) {
    if (f.number == pb::kStructNumberValue) value = double_of(f);
    if (f.number == pb::kStructStringValue) value = string_of(f);
    if (f.number == pb::kStructBoolValue) value = int64_of(f) != 0;
  }
  return value;
}

HParamSpec decode_hparam_info(ProtoReader reader) {
  HParamSpec spec;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kHParamInfoName:
        spec.name = string_of(f);
        break;
      case pb::kHParamInfoDisplayName:
        spec.display_name = string_of(f);
        break;
      case pb::kHParamInfoDescription:
        spec.description = string_of(f);
        break;
      case pb::kHParamInfoType:
        spec.type = static_cast<HParamType>(int64_of(f));
        break;
      case pb::kHParamInfoDomainDiscrete: {
        ProtoReader list = nested_of(f);
        ProtoField item;
        while (list.next(item))
          if (item.number == pb::kStructListValues)
            spec.discrete_domain.push_back(decode_struct_value(nested_of(item)));
        break;
      }
      case pb::kHParamInfoDomainInterval: {
        ProtoReader interval = nested_of(f);
        ProtoField bound;
        std::pair<double, double> range{0, 0};
        while (interval.next(bound)) {
          if (bound.number == pb::kIntervalMin) range.first = double_of(bound);
          if (bound.number == pb::kIntervalMax) range.second = double_of(bound);
        }
        spec.interval = range;
        break;
      }
      default:
        break;
    }
  }
  return spec;
}

MetricSpec decode_metric_info(ProtoReader reader) {
  MetricSpec spec;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kMetricInfoName: {
        ProtoReader name = nested_of(f);
        ProtoField n;
        while (name.next(n)) {
          if (n.number == pb::kMetricNameGroup) spec.group = string_of(n);
          if (n.number == pb::kMetricNameTag) spec.tag = string_of(n);
        }
        break;
      }
      case pb::kMetricInfoDisplayName:
        spec.display_name = string_of(f);
        break;
      case pb::kMetricInfoDescription:
        spec.description = string_of(f);
        break;
      case pb::kMetricInfoDatasetType:
        spec.dataset_type = static_cast<DatasetType>(int64_of(f));
        break;
      default:
        break;
    }
  }
  return spec;
}

HParamsExperiment decode_experiment(ProtoReader reader) {
  HParamsExperiment experiment;
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kExperimentName:
        experiment.name = string_of(f);
        break;
      case pb::kExperimentDescription:
        experiment.description = string_of(f);
        break;
      case pb::kExperimentTimeCreated:
        experiment.time_created_secs = double_of(f);
        break;
      case pb::kExperimentHParamInfos:
        experiment.hparams.push_back(decode_hparam_info(nested_of(f)));
        break;
      case pb::kExperimentMetricInfos:
        experiment.metrics.push_back(decode_metric_info(nested_of(f)));
        break;
      default:
        break;
    }
  }
  return experiment;
}

SessionStartInfo decode_session_start(ProtoReader reader) {
  SessionStartInfo info;
  ProtoField f;
  while (reader.next(f)) {
    if (f.number == pb::kStartHParams) {
      ProtoReader entry = nested_of(f);
      ProtoField e;
      std::string key;
      HParamValue value = 0.0;
      while (entry.next(e)) {
        if (e.number == pb::kMapKey) key = string_of(e);
        if (e.number == pb::kMapValue) value = decode_struct_value(nested_of(e));
      }
      info.hparams.insert_or_assign(std::move(key), std::move(value));
    } else if (f.number == pb::kStartGroupName) {
      info.group_name = string_of(f);
    } else if (f.number == pb::kStartTimeSecs) {
      info.start_time_secs = double_of(f);
    }
  }
  return info;
}

SessionEndInfo decode_session_end(ProtoReader reader) {
  SessionEndInfo info;
  ProtoField f;
  while (reader.next(f)) {
    if (f.number == pb::kEndStatus) info.status = static_cast<SessionStatus>(int64_of(f));
    if (f.number == pb::kEndTimeSecs) info.end_time_secs = double_of(f);
  }
  return info;
}

}  // namespace

TensorBoardReadError::TensorBoardReadError(std::filesystem::path file, std::uint64_t offset,
                                           const std::string& what)
    : std::runtime_error("TensorBoard event file '" + file.string() + "', record at byte offset " +
                         std::to_string(offset) + ": " + what),
      file_(std::move(file)),
      offset_(offset) {}

std::vector<std::filesystem::path> find_event_files(const std::filesystem::path& logdir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(logdir))
    if (entry.is_regular_file() &&
        entry.path().filename().string().find("tfevents") != std::string::npos)
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<EventRecord> read_tensorboard_records(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw TensorBoardReadError(file, 0, "cannot open the file for reading");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  constexpr std::size_t kHeader = 12, kFooter = 4;  // length + its CRC; data CRC
  std::vector<EventRecord> records;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    const std::size_t left = bytes.size() - pos;
    if (left < kHeader)
      throw TensorBoardReadError(file, pos,
                                 "truncated record header (" + std::to_string(left) +
                                     " bytes left, 12 needed); was the writer interrupted?");
    const std::uint64_t length = load_le(bytes, pos, 8);
    const auto stored_length_crc = static_cast<std::uint32_t>(load_le(bytes, pos + 8, 4));
    const std::uint32_t length_crc = masked_crc32c(crc32c(bytes.data() + pos, 8));
    if (stored_length_crc != length_crc)
      throw TensorBoardReadError(file, pos,
                                 "length CRC mismatch (stored " + hex32(stored_length_crc) +
                                     ", computed " + hex32(length_crc) + ")");
    if (length > left - kHeader || left - kHeader - length < kFooter)
      throw TensorBoardReadError(file, pos,
                                 "truncated record: needs " + std::to_string(length) +
                                     " data bytes plus a 4-byte CRC, " +
                                     std::to_string(left - kHeader) + " bytes left");
    std::string_view data(bytes.data() + pos + kHeader, length);
    const auto stored_data_crc =
        static_cast<std::uint32_t>(load_le(bytes, pos + kHeader + length, 4));
    const std::uint32_t data_crc = masked_crc32c(crc32c(data));
    if (stored_data_crc != data_crc)
      throw TensorBoardReadError(file, pos,
                                 "data CRC mismatch (stored " + hex32(stored_data_crc) +
                                     ", computed " + hex32(data_crc) + ")");
    records.push_back(EventRecord{pos, std::string(data)});
    pos += kHeader + length + kFooter;
  }
  return records;
}

std::vector<Event> read_tensorboard_events(const std::filesystem::path& file) {
  std::vector<Event> events;
  for (const auto& record : read_tensorboard_records(file)) {
    try {
      events.push_back(decode_event(record));
    } catch (const ProtobufError& error) {
      throw TensorBoardReadError(file, record.offset,
                                 std::string("malformed Event: ") + error.what() +
                                     " (the Event starts 12 bytes into the record)");
    }
  }
  return events;
}

HParamsPluginData decode_hparams_plugin_data(std::string_view content) {
  HParamsPluginData data;
  ProtoReader reader(content);
  ProtoField f;
  while (reader.next(f)) {
    switch (f.number) {
      case pb::kHParamsVersion:
        data.version = int64_of(f);
        break;
      case pb::kHParamsExperiment:
        data.experiment = decode_experiment(nested_of(f));
        break;
      case pb::kHParamsSessionStartInfo:
        data.session_start_info = decode_session_start(nested_of(f));
        break;
      case pb::kHParamsSessionEndInfo:
        data.session_end_info = decode_session_end(nested_of(f));
        break;
      default:
        break;
    }
  }
  return data;
}

}  // namespace scidl::io
