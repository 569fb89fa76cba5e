// The scidl model file: saves and loads bit for bit, lays its bytes out as
// docs/model_file_format.md says, replaces files atomically, and tells apart each way a file can
// be wrong (not a model, newer version, truncated, corrupted, inconsistent).
#include "scidl/io/model_file.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "scidl/io/file_io.h"

namespace scidl::io {
namespace {

namespace fs = std::filesystem;
using Kind = ModelFileError::Kind;

testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

struct Failure {
  Kind kind;
  std::string message;
};

template <class Action>
Failure failure_of(Action action) {
  try {
    action();
  } catch (const ModelFileError& error) {
    return {error.kind(), error.what()};
  }
  ADD_FAILURE() << "expected a ModelFileError";
  return {Kind::Malformed, ""};
}

std::string bytes_of(const fs::path& path) {
  auto bytes = read_file_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

void put_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::uint32_t crc_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

// Replaces the stored CRC so that a deliberately edited file passes the checksum.
std::string with_fresh_checksum(std::string bytes) {
  const std::size_t covered = bytes.size() - 12;
  std::string crc;
  append_u32_le(crc, crc_of(std::string_view(bytes).substr(0, covered)));
  bytes.replace(covered, 4, crc);
  return bytes;
}

class ModelFileTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    directory_ = fs::temp_directory_path() /
                 ("scidl-model-file-" + std::to_string(::getpid()) + "-" + test->name());
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  fs::path path(const std::string& name) const { return directory_ / name; }

  // A small model: two float layers, a double statistic, an int64 counter, an empty buffer.
  static std::vector<NamedArray> sample_arrays() {
    return {
        make_named_array("layer0.weight", {2, 3},
                         std::vector<float>{0.1f, -0.2f, 1e-40f, -0.0f,
                                            std::numeric_limits<float>::infinity(), 3.5f}),
        make_named_array("layer0.bias", {3}, std::vector<float>{1.0f, 2.0f, 3.0f}),
        make_named_array("running_mean", {2},
                         std::vector<double>{std::bit_cast<double>(0x7FF800000000BEEFULL), 1e-310}),
        make_named_array("steps", {}, std::vector<std::int64_t>{std::int64_t{1} << 62}),
        make_named_array("unused", {0, 4}, std::vector<float>{}),
    };
  }
  static nlohmann::json sample_meta() {
    return {{"architecture", "mlp"},
            {"config", {{"widths", {4, 128, 128, 1}}, {"activation", "tanh"}, {"lr", 0.001}}}};
  }

  fs::path write_sample(const std::string& name = "model.scidl") const {
    write_model_file(path(name), sample_meta(), sample_arrays());
    return path(name);
  }

  fs::path directory_;
};

TEST_F(ModelFileTest, SaveThenLoadGivesBackMetaAndArraysBitForBit) {
  const fs::path file = write_sample();
  ModelFile model = read_model_file(file);
  EXPECT_EQ(model.meta, sample_meta());
  const auto expected = sample_arrays();
  ASSERT_EQ(model.arrays.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {  // in the writer's order
    EXPECT_EQ(model.arrays[i].name, expected[i].name);
    EXPECT_EQ(model.arrays[i].dtype, expected[i].dtype);
    EXPECT_EQ(model.arrays[i].shape, expected[i].shape);
    EXPECT_EQ(model.arrays[i].data, expected[i].data) << expected[i].name;
  }
  ASSERT_NE(model.find("steps"), nullptr);
  EXPECT_EQ(values_of<std::int64_t>(*model.find("steps")).at(0), std::int64_t{1} << 62);
  EXPECT_EQ(model.find("missing"), nullptr);
}

TEST_F(ModelFileTest, ModelWithoutArraysOrMetaRoundTrips) {
  write_model_file(path("empty.scidl"), nullptr, {});
  ModelFile model = read_model_file(path("empty.scidl"));
  EXPECT_TRUE(model.meta.is_null());
  EXPECT_TRUE(model.arrays.empty());
}

TEST_F(ModelFileTest, SameModelGivesTheSameBytes) {
  EXPECT_EQ(bytes_of(write_sample("a.scidl")), bytes_of(write_sample("b.scidl")));
}

TEST_F(ModelFileTest, BytesFollowTheDocumentedLayout) {
  const std::string bytes = bytes_of(write_sample());
  EXPECT_EQ(bytes.substr(0, 8), "SCIDLMDL");
  EXPECT_EQ(load_u32_le(bytes.data() + 8), 1u);
  const std::uint64_t header_size = load_u64_le(bytes.data() + 12);
  const std::uint64_t data_start = 20 + header_size;
  EXPECT_EQ(data_start % 64, 0u);

  const auto header = nlohmann::json::parse(bytes.substr(20, header_size));
  EXPECT_EQ(header["meta"], sample_meta());
  const auto& table = header["tensors"];
  ASSERT_EQ(table.size(), 5u);
  EXPECT_EQ(table[0], (nlohmann::json{{"name", "layer0.weight"},
                                      {"dtype", "F32"},
                                      {"shape", {2, 3}},
                                      {"offset", 0},
                                      {"nbytes", 24}}));
  EXPECT_EQ(table[1]["offset"], 64);
  EXPECT_EQ(table[2]["offset"], 128);
  EXPECT_EQ(table[2]["dtype"], "F64");
  EXPECT_EQ(table[3]["offset"], 192);
  EXPECT_EQ(table[3]["dtype"], "I64");
  const std::uint64_t data_size = header["data_size"];
  EXPECT_EQ(data_size, 256u);  // "unused" is empty at offset 256
  // The bias's bytes are where its table entry says.
  float bias[3];
  std::memcpy(bias, bytes.data() + data_start + 64, sizeof bias);
  EXPECT_EQ(bias[2], 3.0f);

  ASSERT_EQ(bytes.size(), data_start + data_size + 12);
  EXPECT_EQ(load_u32_le(bytes.data() + bytes.size() - 12),
            crc_of(std::string_view(bytes).substr(0, bytes.size() - 12)));
  EXPECT_EQ(bytes.substr(bytes.size() - 8), "SCIDLEND");
}

TEST_F(ModelFileTest, SuccessfulWriteLeavesNoTemporaryFile) {
  write_sample();
  write_sample();  // replaces the first
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory_)) {
    names.push_back(entry.path().filename().string());
  }
  EXPECT_EQ(names, (std::vector<std::string>{"model.scidl"}));
}

TEST_F(ModelFileTest, RefusedWriteLeavesThePreviousFileIntact) {
  const fs::path file = write_sample();
  const std::string before = bytes_of(file);
  auto arrays = sample_arrays();
  arrays[1].data.pop_back();
  Failure failure = failure_of([&] { write_model_file(file, sample_meta(), arrays); });
  EXPECT_EQ(failure.kind, Kind::InvalidArrays);
  EXPECT_TRUE(Contains(failure.message, "array 'layer0.bias': 11 bytes of data do not match"));
  EXPECT_EQ(bytes_of(file), before);
}

TEST_F(ModelFileTest, InterruptedWriteLeavesThePreviousFileIntact) {
  const fs::path file = write_sample();
  const std::string before = bytes_of(file);
  fs::path temporary;
  {
    AtomicFileWriter writer(file);  // an error mid-write unwinds without commit()
    writer.write("SCIDLMDL half a file");
    temporary = writer.temporary_path();
    EXPECT_TRUE(fs::exists(temporary));
  }
  EXPECT_FALSE(fs::exists(temporary));
  EXPECT_EQ(bytes_of(file), before);
}

TEST_F(ModelFileTest, FailedReplaceRemovesTheTemporaryFile) {
  fs::create_directory(path("model.scidl"));  // rename cannot put a file over a directory
  Failure failure = failure_of([&] { write_sample(); });
  EXPECT_EQ(failure.kind, Kind::FileAccess);
  EXPECT_TRUE(Contains(failure.message, "cannot replace '" + path("model.scidl").string()));
  EXPECT_EQ(std::distance(fs::directory_iterator(directory_), fs::directory_iterator()), 1);
}

TEST_F(ModelFileTest, RepeatedArrayNamesAreRefused) {
  auto arrays = sample_arrays();
  arrays[1].name = arrays[0].name;
  Failure failure = failure_of([&] { write_model_file(path("m.scidl"), nullptr, arrays); });
  EXPECT_EQ(failure.kind, Kind::InvalidArrays);
  EXPECT_TRUE(Contains(failure.message, "array name 'layer0.weight' is used twice"));
}

TEST_F(ModelFileTest, MissingFileCannotBeOpened) {
  Failure failure = failure_of([&] { read_model_file(path("none.scidl")); });
  EXPECT_EQ(failure.kind, Kind::FileAccess);
  EXPECT_EQ(failure.message,
            "cannot open '" + path("none.scidl").string() + "': No such file or directory");
}

TEST_F(ModelFileTest, OtherFilesAreNotModelFiles) {
  put_bytes(path("picture.png"), "\x89PNG\r\n\x1a\n and more bytes after the signature");
  Failure failure = failure_of([&] { read_model_file(path("picture.png")); });
  EXPECT_EQ(failure.kind, Kind::NotAModelFile);
  EXPECT_EQ(failure.message, path("picture.png").string() +
                                 ": not a scidl model file (it starts with '\\x89PNG\\x0D\\x0A"
                                 "\\x1A\\x0A', a model file with 'SCIDLMDL')");

  std::string safetensors;
  append_u64_le(safetensors, 2);
  put_bytes(path("w.safetensors"), safetensors + "{}");
  failure = failure_of([&] { read_model_file(path("w.safetensors")); });
  EXPECT_EQ(failure.kind, Kind::NotAModelFile);
  EXPECT_TRUE(Contains(failure.message, "it looks like a safetensors file"));

  put_bytes(path("empty.scidl"), "");
  EXPECT_EQ(failure_of([&] { read_model_file(path("empty.scidl")); }).kind, Kind::NotAModelFile);
}

TEST_F(ModelFileTest, NewerFormatVersionAsksForANewerScidl) {
  std::string bytes = bytes_of(write_sample());
  bytes[8] = 7;
  put_bytes(path("future.scidl"), bytes);
  Failure failure = failure_of([&] { read_model_file(path("future.scidl")); });
  EXPECT_EQ(failure.kind, Kind::UnsupportedVersion);
  EXPECT_EQ(failure.message, path("future.scidl").string() +
                                 ": was written by a newer scidl: format version 7, this build "
                                 "reads 1; update scidl to load it");
}

TEST_F(ModelFileTest, TruncatedFileSaysHowLongItShouldBe) {
  const std::string bytes = bytes_of(write_sample());
  put_bytes(path("cut.scidl"), bytes.substr(0, bytes.size() - 100));
  Failure failure = failure_of([&] { read_model_file(path("cut.scidl")); });
  EXPECT_EQ(failure.kind, Kind::Truncated);
  EXPECT_TRUE(Contains(failure.message, "truncated: expected " + std::to_string(bytes.size()) +
                                            " bytes, found " + std::to_string(bytes.size() - 100)));
}

TEST_F(ModelFileTest, FileCutInsideItsHeaderIsTruncated) {
  const std::string bytes = bytes_of(write_sample());
  for (std::size_t length : {4, 15, 40}) {
    put_bytes(path("cut.scidl"), bytes.substr(0, length));
    Failure failure = failure_of([&] { read_model_file(path("cut.scidl")); });
    EXPECT_EQ(failure.kind, Kind::Truncated) << length << ": " << failure.message;
    EXPECT_TRUE(Contains(failure.message, "truncated")) << length;
  }
}

TEST_F(ModelFileTest, ChangedDataByteFailsTheChecksum) {
  std::string bytes = bytes_of(write_sample());
  const std::uint64_t data_start = 20 + load_u64_le(bytes.data() + 12);
  bytes[data_start + 65] ^= 0x01;  // one bit of the bias
  put_bytes(path("flipped.scidl"), bytes);
  Failure failure = failure_of([&] { read_model_file(path("flipped.scidl")); });
  EXPECT_EQ(failure.kind, Kind::ChecksumMismatch);
  EXPECT_TRUE(Contains(failure.message, "checksum mismatch: stored CRC-32 0x"));
}

TEST_F(ModelFileTest, ChangedHeaderByteFailsTheChecksumBeforeTheJsonIsRead) {
  std::string bytes = bytes_of(write_sample());
  bytes[20] = '[';  // the header's opening brace
  put_bytes(path("flipped.scidl"), bytes);
  EXPECT_EQ(failure_of([&] { read_model_file(path("flipped.scidl")); }).kind,
            Kind::ChecksumMismatch);
}

TEST_F(ModelFileTest, TableThatDisagreesWithItsShapeIsMalformed) {
  std::string bytes = bytes_of(write_sample());
  const std::size_t at = bytes.find("\"nbytes\":12");  // layer0.bias
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 11, "\"nbytes\":16");
  put_bytes(path("edited.scidl"), with_fresh_checksum(bytes));
  Failure failure = failure_of([&] { read_model_file(path("edited.scidl")); });
  EXPECT_EQ(failure.kind, Kind::Malformed);
  EXPECT_TRUE(Contains(failure.message,
                       "array 'layer0.bias': nbytes 16 does not match dtype F32 and shape [3]"));
}

}  // namespace
}  // namespace scidl::io
