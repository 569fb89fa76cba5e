// TensorBoard event files: wire encoding, a full write/read round trip with every CRC checked,
// corruption reports, and a demo log directory for tools/check_tensorboard.py.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <numeric>
#include <regex>
#include <string>
#include <vector>

#include "scidl/io/protobuf_writer.h"
#include "scidl/io/tensorboard_reader.h"
#include "scidl/io/tensorboard_writer.h"

namespace scidl::io {
namespace {

namespace fs = std::filesystem;
namespace pb = tensorboard_proto;

// A fresh, empty directory per test, removed afterwards.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() / ("scidl_tb_" + name + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string hex(const std::string& bytes) {
  std::string out;
  char buf[4];
  for (unsigned char c : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", c);
    out += buf;
  }
  return out;
}

const SummaryValue* find_value(const std::vector<Event>& events, std::string_view tag,
                               std::int64_t step) {
  for (const auto& event : events)
    for (const auto& value : event.values)
      if (value.tag == tag && event.step == step) return &value;
  return nullptr;
}

// ---- protobuf wire format ----

TEST(ProtoWriter, EncodesVarintsFixedAndLengthDelimitedFieldsAsTheSpecSays) {
  ProtoWriter w;
  w.add_varint(1, 150);  // the encoding guide's example: 08 96 01
  EXPECT_EQ(hex(w.bytes()), "089601");

  ProtoWriter negative;
  negative.add_int64(2, -1);  // two's complement: ten bytes
  EXPECT_EQ(hex(negative.bytes()), "10ffffffffffffffffff01");

  ProtoWriter numbers;
  numbers.add_double(1, 1.0);
  numbers.add_float(2, 1.0f);
  EXPECT_EQ(hex(numbers.bytes()),
            "09000000000000f03f"
            "150000803f");

  ProtoWriter text;
  text.add_bytes(2, "testing");
  EXPECT_EQ(hex(text.bytes()), "120774657374696e67");

  ProtoWriter packed;
  const double values[] = {1.0, -2.0};
  packed.add_packed_doubles(6, values);
  EXPECT_EQ(hex(packed.bytes()), "3210000000000000f03f00000000000000c0");
}

TEST(ProtoReader, DecodesWhatTheWriterWrote) {
  ProtoWriter inner;
  inner.add_bytes(1, "tag");
  ProtoWriter outer;
  outer.add_int64(2, -42);
  outer.add_double(1, 3.25);
  outer.add_float(3, 0.5f);
  outer.add_message(5, inner);
  const double values[] = {1.5, 2.5, 3.5};
  outer.add_packed_doubles(6, values);

  ProtoReader reader(outer.bytes());
  ProtoField f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f.number, 2u);
  EXPECT_EQ(f.as_int64(), -42);
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f.as_double(), 3.25);
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f.as_float(), 0.5f);
  ASSERT_TRUE(reader.next(f));
  ProtoReader nested = ProtoReader::nested(f);
  ProtoField g;
  ASSERT_TRUE(nested.next(g));
  EXPECT_EQ(g.bytes, "tag");
  ASSERT_TRUE(reader.next(f));
  std::vector<double> decoded;
  ProtoReader::append_doubles(f, decoded);
  EXPECT_EQ(decoded, std::vector<double>(std::begin(values), std::end(values)));
  EXPECT_FALSE(reader.next(f));
}

TEST(ProtoReader, ReportsTheOffsetOfATruncatedField) {
  ProtoWriter w;
  w.add_varint(1, 7);
  w.add_bytes(2, "abcdef");
  const std::string cut = w.bytes().substr(0, w.bytes().size() - 2);
  ProtoReader reader(cut);
  ProtoField f;
  ASSERT_TRUE(reader.next(f));
  try {
    reader.next(f);
    FAIL() << "a truncated field must throw";
  } catch (const ProtobufError& error) {
    EXPECT_EQ(error.offset(), 2u);  // the tag of field 2 starts after "08 07"
    EXPECT_NE(std::string(error.what()).find("claims 6 bytes but only 4 remain"),
              std::string::npos);
  }
}

// ---- event files ----

TEST(TensorBoardWriter, NamesTheFileLikeTensorFlowAndStartsWithTheFileVersion) {
  TempDir dir("name");
  fs::path file;
  {
    TensorBoardWriter writer(dir.path() / "nested" / "run");
    file = writer.file_path();
  }
  EXPECT_EQ(file.parent_path(), dir.path() / "nested" / "run");
  EXPECT_TRUE(std::regex_match(file.filename().string(),
                               std::regex(R"(events\.out\.tfevents\.\d{10}\..+)")))
      << file;
  const auto events = read_tensorboard_events(file);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].file_version, "brain.Event:2");
  EXPECT_NEAR(events[0].wall_time, static_cast<double>(std::time(nullptr)), 60.0);
}

TEST(TensorBoardWriter, TwoWritersInOneDirectoryGetTwoFiles) {
  TempDir dir("two");
  TensorBoardWriter first(dir.path());
  TensorBoardWriter second(dir.path());
  EXPECT_NE(first.file_path(), second.file_path());
  EXPECT_EQ(find_event_files(dir.path()).size(), 2u);
}

TEST(TensorBoardWriter, RoundTripKeepsScalarsHistogramTextAndHParams) {
  TempDir dir("round_trip");
  fs::path file;
  const std::vector<double> weights = {-1.0, -0.5, 0.0, 0.25, 0.5, 2.0, 2.0};
  const std::vector<float> gradients = {0.1f, 0.2f, 0.3f};
  {
    TensorBoardWriter writer(dir.path());
    file = writer.file_path();
    HParamsExperiment experiment;
    experiment.description = "round trip";
    experiment.hparams = {
        {"lr", HParamType::float64, {}, std::pair{1e-4, 1e-1}, "learning rate", ""},
        {"optimizer", HParamType::string, {std::string("adam"), std::string("sgd")}, {}, "", ""},
        {"augment", HParamType::boolean, {true, false}, {}, "", ""}};
    experiment.metrics = {{"loss", "", "", "", DatasetType::training},
                          {"accuracy", "validation", "val acc", "", DatasetType::validation}};
    writer.add_hparams_experiment(experiment);
    writer.session_start({{"lr", 0.01}, {"optimizer", std::string("adam")}, {"augment", true}},
                         "group-a", 1700000000.0);
    for (int epoch = 0; epoch < 5; ++epoch) {
      writer.add_scalar("loss", 1.0 / (epoch + 1), epoch);
      writer.add_scalar("accuracy", 0.5 + 0.1 * epoch, epoch);
      writer.flush();
    }
    writer.add_histogram("weights", weights, 4);
    writer.add_histogram("gradients", gradients, 4);
    writer.add_text("notes", "**bold** and `code`", 4);
    writer.session_end(SessionStatus::success, 1700000100.0);
  }

  const auto events = read_tensorboard_events(file);  // throws on any CRC mismatch
  ASSERT_EQ(events.size(), 1u + 1 + 1 + 10 + 3 + 1);
  for (int epoch = 0; epoch < 5; ++epoch) {
    const auto* loss = find_value(events, "loss", epoch);
    ASSERT_NE(loss, nullptr) << "epoch " << epoch;
    EXPECT_EQ(loss->simple_value, static_cast<float>(1.0 / (epoch + 1)));
    const auto* accuracy = find_value(events, "accuracy", epoch);
    ASSERT_NE(accuracy, nullptr);
    EXPECT_EQ(accuracy->simple_value, static_cast<float>(0.5 + 0.1 * epoch));
  }

  const auto* histo_value = find_value(events, "weights", 4);
  ASSERT_NE(histo_value, nullptr);
  ASSERT_TRUE(histo_value->histogram.has_value());
  const HistogramData& histo = *histo_value->histogram;
  EXPECT_EQ(histo.min, -1.0);
  EXPECT_EQ(histo.max, 2.0);
  EXPECT_EQ(histo.num, 7.0);
  EXPECT_DOUBLE_EQ(histo.sum, 3.25);
  EXPECT_DOUBLE_EQ(histo.sum_squares, 1.0 + 0.25 + 0.0625 + 0.25 + 4.0 + 4.0);
  ASSERT_EQ(histo.bucket_limit.size(), 30u);
  ASSERT_EQ(histo.bucket.size(), 30u);
  EXPECT_EQ(histo.bucket_limit.back(), 2.0);
  EXPECT_EQ(histo.bucket.front(), 1.0);  // -1.0 alone in (-inf, -0.9]
  EXPECT_EQ(histo.bucket.back(), 2.0);   // both 2.0s in (1.9, 2.0]
  EXPECT_EQ(std::accumulate(histo.bucket.begin(), histo.bucket.end(), 0.0), 7.0);

  const auto* grad_value = find_value(events, "gradients", 4);
  ASSERT_NE(grad_value, nullptr);
  ASSERT_TRUE(grad_value->histogram.has_value());
  EXPECT_EQ(grad_value->histogram->num, 3.0);
  EXPECT_EQ(grad_value->histogram->max, static_cast<double>(0.3f));

  const auto* text = find_value(events, "notes", 4);
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->plugin_name, "text");
  ASSERT_TRUE(text->tensor.has_value());
  EXPECT_EQ(text->tensor->dtype, pb::kDtString);
  EXPECT_TRUE(text->tensor->shape.empty());
  EXPECT_EQ(text->tensor->string_val, std::vector<std::string>{"**bold** and `code`"});

  const auto* experiment_value = find_value(events, "_hparams_/experiment", 0);
  ASSERT_NE(experiment_value, nullptr);
  EXPECT_EQ(experiment_value->plugin_name, "hparams");
  ASSERT_TRUE(experiment_value->tensor.has_value());
  EXPECT_EQ(experiment_value->tensor->dtype, pb::kDtFloat);
  EXPECT_EQ(experiment_value->tensor->shape, std::vector<std::int64_t>{0});
  const auto experiment = decode_hparams_plugin_data(experiment_value->plugin_content);
  EXPECT_EQ(experiment.version, 0);
  ASSERT_TRUE(experiment.experiment.has_value());
  EXPECT_EQ(experiment.experiment->description, "round trip");
  ASSERT_EQ(experiment.experiment->hparams.size(), 3u);
  EXPECT_EQ(experiment.experiment->hparams[0].name, "lr");
  EXPECT_EQ(experiment.experiment->hparams[0].display_name, "learning rate");
  EXPECT_EQ(experiment.experiment->hparams[0].interval, (std::pair{1e-4, 1e-1}));
  EXPECT_EQ(experiment.experiment->hparams[1].type, HParamType::string);
  EXPECT_EQ(experiment.experiment->hparams[1].discrete_domain,
            (std::vector<HParamValue>{std::string("adam"), std::string("sgd")}));
  EXPECT_EQ(experiment.experiment->hparams[2].discrete_domain,
            (std::vector<HParamValue>{true, false}));
  ASSERT_EQ(experiment.experiment->metrics.size(), 2u);
  EXPECT_EQ(experiment.experiment->metrics[1].tag, "accuracy");
  EXPECT_EQ(experiment.experiment->metrics[1].group, "validation");
  EXPECT_EQ(experiment.experiment->metrics[1].display_name, "val acc");
  EXPECT_EQ(experiment.experiment->metrics[1].dataset_type, DatasetType::validation);

  const auto* start_value = find_value(events, "_hparams_/session_start_info", 0);
  ASSERT_NE(start_value, nullptr);
  const auto start = decode_hparams_plugin_data(start_value->plugin_content);
  ASSERT_TRUE(start.session_start_info.has_value());
  EXPECT_FALSE(start.experiment.has_value());
  const HParamMap expected{{"lr", 0.01}, {"optimizer", std::string("adam")}, {"augment", true}};
  EXPECT_EQ(start.session_start_info->hparams, expected);
  EXPECT_EQ(start.session_start_info->group_name, "group-a");
  EXPECT_EQ(start.session_start_info->start_time_secs, 1700000000.0);

  const auto* end_value = find_value(events, "_hparams_/session_end_info", 0);
  ASSERT_NE(end_value, nullptr);
  const auto end = decode_hparams_plugin_data(end_value->plugin_content);
  ASSERT_TRUE(end.session_end_info.has_value());
  EXPECT_EQ(end.session_end_info->status, SessionStatus::success);
  EXPECT_EQ(end.session_end_info->end_time_secs, 1700000100.0);
}

TEST(TensorBoardWriter, FlushedRecordsAreReadableWhileTheWriterIsStillOpen) {
  TempDir dir("flush");
  TensorBoardWriter writer(dir.path());
  writer.add_scalar("loss", 0.75, 1);
  writer.flush();  // what a crash after this line would leave on disk
  const auto events = read_tensorboard_events(writer.file_path());
  ASSERT_EQ(events.size(), 2u);
  ASSERT_EQ(events[1].values.size(), 1u);
  EXPECT_EQ(events[1].step, 1);
  EXPECT_EQ(events[1].values[0].simple_value, 0.75f);
}

TEST(TensorBoardWriter, HistogramIgnoresNonFiniteValuesAndHandlesConstantInput) {
  TempDir dir("histogram_edges");
  fs::path file;
  {
    TensorBoardWriter writer(dir.path());
    file = writer.file_path();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> mixed = {nan, 1.0, inf, 3.0, -inf};
    const std::vector<double> constant = {5.0, 5.0, 5.0};
    writer.add_histogram("mixed", mixed, 0);
    writer.add_histogram("constant", constant, 0);
    writer.add_histogram("empty", std::span<const double>(), 0);
  }
  const auto events = read_tensorboard_events(file);
  const auto& mixed = *find_value(events, "mixed", 0)->histogram;
  EXPECT_EQ(mixed.num, 2.0);
  EXPECT_EQ(mixed.min, 1.0);
  EXPECT_EQ(mixed.max, 3.0);
  const auto& constant = *find_value(events, "constant", 0)->histogram;
  EXPECT_EQ(constant.bucket_limit, std::vector<double>{5.0});
  EXPECT_EQ(constant.bucket, std::vector<double>{3.0});
  const auto& empty = *find_value(events, "empty", 0)->histogram;
  EXPECT_EQ(empty.num, 0.0);
  EXPECT_EQ(empty.bucket, std::vector<double>{0.0});
}

// Writes three records, then returns the file and each record's offset.
std::pair<fs::path, std::vector<std::uint64_t>> small_log(const fs::path& dir) {
  fs::path file;
  {
    TensorBoardWriter writer(dir);
    file = writer.file_path();
    writer.add_scalar("loss", 0.5, 1);
    writer.add_scalar("loss", 0.25, 2);
  }
  std::vector<std::uint64_t> offsets;
  for (const auto& record : read_tensorboard_records(file)) offsets.push_back(record.offset);
  return {file, offsets};
}

void flip_byte(const fs::path& file, std::uint64_t at) {
  std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
  io.seekg(static_cast<std::streamoff>(at));
  char byte = 0;
  io.get(byte);
  io.seekp(static_cast<std::streamoff>(at));
  io.put(static_cast<char>(byte ^ 0x40));
}

TEST(TensorBoardReader, CorruptedDataByteIsReportedWithFileAndRecordOffset) {
  TempDir dir("corrupt_data");
  const auto [file, offsets] = small_log(dir.path());
  ASSERT_EQ(offsets.size(), 3u);
  flip_byte(file, offsets[2] + 12 + 3);  // inside the third record's Event bytes
  try {
    read_tensorboard_events(file);
    FAIL() << "a flipped byte must be detected";
  } catch (const TensorBoardReadError& error) {
    EXPECT_EQ(error.file(), file);
    EXPECT_EQ(error.offset(), offsets[2]);
    const std::string message = error.what();
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("byte offset " + std::to_string(offsets[2])), std::string::npos)
        << message;
    EXPECT_NE(message.find("data CRC mismatch"), std::string::npos) << message;
  }
}

TEST(TensorBoardReader, CorruptedLengthIsCaughtByTheLengthCrc) {
  TempDir dir("corrupt_length");
  const auto [file, offsets] = small_log(dir.path());
  flip_byte(file, offsets[1]);
  try {
    read_tensorboard_records(file);
    FAIL() << "a flipped length byte must be detected";
  } catch (const TensorBoardReadError& error) {
    EXPECT_EQ(error.offset(), offsets[1]);
    EXPECT_NE(std::string(error.what()).find("length CRC mismatch"), std::string::npos);
  }
}

TEST(TensorBoardReader, TruncatedFileNamesTheUnfinishedRecord) {
  TempDir dir("truncated");
  const auto [file, offsets] = small_log(dir.path());
  fs::resize_file(file, fs::file_size(file) - 3);
  try {
    read_tensorboard_records(file);
    FAIL() << "a truncated record must be detected";
  } catch (const TensorBoardReadError& error) {
    EXPECT_EQ(error.offset(), offsets[2]);
    EXPECT_NE(std::string(error.what()).find("truncated record"), std::string::npos);
  }
}

// Leaves a small hparams experiment on disk (root run + two trial runs) for
//   python3 tools/check_tensorboard.py /tmp/scidl_tensorboard_demo
// SCIDL_TENSORBOARD_DEMO_DIR overrides the location.
TEST(TensorBoardWriter, WritesADemoLogDirectoryForTheTensorBoardCheck) {
  const char* env = std::getenv("SCIDL_TENSORBOARD_DEMO_DIR");
  const fs::path root =
      env ? fs::path(env)
          : fs::temp_directory_path() / ("scidl_tensorboard_demo_" + std::to_string(::getpid()));
  fs::remove_all(root);
  {
    TensorBoardWriter writer(root);
    HParamsExperiment experiment;
    experiment.description = "scidl demo: a two-trial sweep";
    experiment.hparams = {
        {"lr", HParamType::float64, {}, std::pair{1e-3, 1e-1}, "", ""},
        {"optimizer", HParamType::string, {std::string("adam"), std::string("sgd")}, {}, "", ""},
        {"batch_norm", HParamType::boolean, {true, false}, {}, "", ""}};
    experiment.metrics = {{"loss", "", "training loss", "", DatasetType::training},
                          {"accuracy", "", "accuracy", "", DatasetType::validation}};
    writer.add_hparams_experiment(experiment);
  }
  const std::vector<HParamMap> trials = {
      {{"lr", 0.01}, {"optimizer", std::string("adam")}, {"batch_norm", true}},
      {{"lr", 0.1}, {"optimizer", std::string("sgd")}, {"batch_norm", false}}};
  for (std::size_t t = 0; t < trials.size(); ++t) {
    TensorBoardWriter writer(root / ("trial_" + std::to_string(t)));
    writer.session_start(trials[t], "", 1700000000.0 + 100.0 * t);
    for (int epoch = 0; epoch < 3; ++epoch) {
      writer.add_scalar("loss", 1.0 / (epoch + 1 + t), epoch);
      writer.add_scalar("accuracy", 0.6 + 0.1 * epoch - 0.05 * t, epoch);
      writer.flush();
    }
    const std::vector<double> weights = {-0.3, -0.1, 0.0, 0.05, 0.1, 0.2, 0.4};
    writer.add_histogram("layer0/weights", weights, 2);
    writer.add_text("summary", "trial **" + std::to_string(t) + "** finished", 2);
    writer.session_end(SessionStatus::success, 1700000050.0 + 100.0 * t);
  }
  for (const auto& run : {root, root / "trial_0", root / "trial_1"})
    for (const auto& file : find_event_files(run)) EXPECT_NO_THROW(read_tensorboard_events(file));
}

}  // namespace
}  // namespace scidl::io
