// safetensors: reads exactly what the Python reference package writes, round-trips our own files
// bit for bit, and rejects every kind of malformed header with a message naming file and tensor.
#include "scidl/io/safetensors.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "scidl/io/file_io.h"

namespace scidl::io {
namespace {

namespace fs = std::filesystem;

testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

template <class Action>
std::string error_of(Action action) {
  try {
    action();
  } catch (const SafetensorsError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a SafetensorsError";
  return "";
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

class SafetensorsTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    directory_ = fs::temp_directory_path() /
                 ("scidl-safetensors-" + std::to_string(::getpid()) + "-" + test->name());
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  fs::path path(const std::string& name) const { return directory_ / name; }

  // A file with this exact header text (unpadded) and data buffer.
  fs::path raw_file(const std::string& header, const std::string& buffer = "") const {
    std::string bytes;
    append_u64_le(bytes, header.size());
    bytes += header + buffer;
    fs::path file = path("raw.safetensors");
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  }

  fs::path directory_;
};

TEST_F(SafetensorsTest, ReadsTheFileThePythonPackageWroteExactly) {
  std::map<std::string, std::string> metadata;
  auto arrays = read_safetensors(SCIDL_TEST_DATA "/safetensors/from_python.safetensors", &metadata);

  EXPECT_EQ(metadata, (std::map<std::string, std::string>{
                          {"format", "np"}, {"source", "tools/make_safetensors_fixture.py"}}));
  // In the order of their bytes in the file.
  std::vector<std::string> names;
  for (const auto& array : arrays) names.push_back(array.name);
  EXPECT_EQ(names, (std::vector<std::string>{"counts_i64", "values_f64", "empty", "scalar",
                                             "weights_f32", "labels_i32", "half_f16"}));

  const NamedArray& counts = arrays[0];
  EXPECT_EQ(counts.dtype, ElementType::Int64);
  EXPECT_EQ(counts.shape, (std::vector<std::int64_t>{3}));
  EXPECT_EQ(values_of<std::int64_t>(counts),
            (std::vector<std::int64_t>{-9007199254740993, 0, 9223372036854775807}));

  const NamedArray& values = arrays[1];
  EXPECT_EQ(values.dtype, ElementType::Float64);
  EXPECT_TRUE(same_bits(values_of<double>(values),
                        {0.1, -2.5e300, 5e-324, std::numeric_limits<double>::infinity()}));

  EXPECT_EQ(arrays[2].shape, (std::vector<std::int64_t>{0, 3}));
  EXPECT_TRUE(arrays[2].data.empty());

  EXPECT_TRUE(arrays[3].shape.empty());
  EXPECT_EQ(values_of<float>(arrays[3]), (std::vector<float>{42.0f}));

  const NamedArray& weights = arrays[4];
  EXPECT_EQ(weights.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_TRUE(same_bits(values_of<float>(weights), {0.5f, -1.25f, 3.0f, 0.1f, 65504.0f, -0.0f}));

  const NamedArray& labels = arrays[5];  // I32 in the file, widened to I64
  EXPECT_EQ(labels.dtype, ElementType::Int64);
  EXPECT_EQ(labels.shape, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(values_of<std::int64_t>(labels),
            (std::vector<std::int64_t>{-2147483648LL, 2147483647, 0, -1}));

  const NamedArray& half = arrays[6];  // F16 in the file, widened to F32
  EXPECT_EQ(half.dtype, ElementType::Float32);
  EXPECT_TRUE(same_bits(values_of<float>(half),
                        {1.0f, -2.0f, 65504.0f, std::ldexp(1.0f, -14), std::ldexp(1.0f, -24),
                         0.333251953125f, -std::numeric_limits<float>::infinity()}));
}

TEST_F(SafetensorsTest, WriteThenReadGivesBackTheSameBitsOrderedByName) {
  const std::vector<double> doubles{-0.0, std::numeric_limits<double>::denorm_min(),
                                    std::bit_cast<double>(0x7FF8000000000123ULL), 1e308};
  const std::vector<float> floats{1.5f, -3.25f, std::numeric_limits<float>::quiet_NaN(),
                                  7.0f, 1e-40f, 0.1f};
  const std::vector<std::int64_t> longs{std::numeric_limits<std::int64_t>::min(), 5};
  std::vector<NamedArray> written{
      make_named_array("zeta", {2, 2}, doubles), make_named_array("alpha", {3, 2}, floats),
      make_named_array("mid", {2}, longs), make_named_array("nothing", {0}, std::vector<float>{})};
  write_safetensors(path("out.safetensors"), written, {{"epoch", "12"}});

  std::map<std::string, std::string> metadata;
  auto read = read_safetensors(path("out.safetensors"), &metadata);
  EXPECT_EQ(metadata, (std::map<std::string, std::string>{{"epoch", "12"}}));
  ASSERT_EQ(read.size(), 4u);
  EXPECT_EQ(read[0].name, "alpha");
  EXPECT_EQ(read[1].name, "mid");
  EXPECT_EQ(read[2].name, "nothing");
  EXPECT_EQ(read[3].name, "zeta");
  for (const NamedArray& array : read) {
    const NamedArray& original = *std::find_if(written.begin(), written.end(),
                                               [&](auto& w) { return w.name == array.name; });
    EXPECT_EQ(array.dtype, original.dtype) << array.name;
    EXPECT_EQ(array.shape, original.shape) << array.name;
    EXPECT_EQ(array.data, original.data) << array.name;
  }
}

TEST_F(SafetensorsTest, WrittenHeaderIsJsonPaddedWithSpacesToEightBytes) {
  write_safetensors(path("out.safetensors"),
                    {make_named_array("w", {1}, std::vector<float>{2.0f})});
  auto bytes = read_file_bytes(path("out.safetensors"));
  const std::uint64_t header_size = load_u64_le(bytes.data());
  EXPECT_EQ(header_size % 8, 0u);
  const std::string header(bytes.data() + 8, header_size);
  EXPECT_EQ(header.rfind("{\"w\":{\"data_offsets\":[0,4],\"dtype\":\"F32\",\"shape\":[1]}}", 0), 0u)
      << header;
  EXPECT_EQ(header.find_last_not_of(' '), header.find_last_of('}'));
  EXPECT_EQ(bytes.size(), 8 + header_size + 4);
}

TEST_F(SafetensorsTest, ReadsBfloat16AsFloat32) {
  // bfloat16 is the upper half of a float32: 1.0 = 0x3F80, -2.5 = 0xC020, 3.140625 = 0x4049.
  const std::string data("\x80\x3F\x20\xC0\x49\x40", 6);
  auto arrays = read_safetensors(
      raw_file(R"({"b":{"dtype":"BF16","shape":[3],"data_offsets":[0,6]}})", data));
  ASSERT_EQ(arrays.size(), 1u);
  EXPECT_EQ(arrays[0].dtype, ElementType::Float32);
  EXPECT_EQ(values_of<float>(arrays[0]), (std::vector<float>{1.0f, -2.5f, 3.140625f}));
}

TEST_F(SafetensorsTest, MissingFileSaysItCannotBeOpened) {
  const fs::path missing = path("nope.safetensors");
  EXPECT_EQ(error_of([&] { read_safetensors(missing); }),
            "cannot open '" + missing.string() + "': No such file or directory");
}

TEST_F(SafetensorsTest, FileShorterThanTheLengthFieldIsRejected) {
  fs::path file = path("short.safetensors");
  std::ofstream(file, std::ios::binary) << "abc";
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }), "too short"));
}

TEST_F(SafetensorsTest, HeaderLengthBeyondTheFileIsRejected) {
  fs::path file = path("long.safetensors");
  std::string bytes;
  append_u64_le(bytes, 1000);
  bytes += "{}";
  std::ofstream(file, std::ios::binary) << bytes;
  std::string message = error_of([&] { read_safetensors(file); });
  EXPECT_TRUE(Contains(message, file.string() + ": header length 1000 runs past the end"));
}

TEST_F(SafetensorsTest, HeaderThatIsNotJsonIsRejected) {
  fs::path file = raw_file("{\"a\": [1, 2");
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }),
                       file.string() + ": header is not valid JSON"));
}

TEST_F(SafetensorsTest, UnknownDtypeNamesTheTensor) {
  fs::path file = raw_file(R"({"mask":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}})", "ab");
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }),
                       file.string() + ": tensor 'mask': dtype 'BOOL' is not one scidl reads"));
}

TEST_F(SafetensorsTest, OffsetsPastTheDataAreRejected) {
  fs::path file =
      raw_file(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", std::string(8, '\0'));
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }),
                       "tensor 'w': data_offsets [0,16] run past the end of the data (8 bytes)"));
}

TEST_F(SafetensorsTest, OffsetsThatDisagreeWithDtypeAndShapeAreRejected) {
  fs::path file =
      raw_file(R"({"w":{"dtype":"F64","shape":[2,2],"data_offsets":[0,16]}})", std::string(32, 0));
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }),
                       "tensor 'w': data_offsets [0,16] hold 16 bytes, but dtype F64 and shape "
                       "[2,2] need 32"));
}

TEST_F(SafetensorsTest, ReversedOffsetsAreRejected) {
  fs::path file =
      raw_file(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}})", std::string(8, 0));
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }),
                       "tensor 'w': \"data_offsets\" must be [begin, end]"));
}

TEST_F(SafetensorsTest, OverlappingTensorsAreRejected) {
  fs::path file = raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                           R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                           std::string(12, 0));
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }),
                       "tensors 'a' and 'b' overlap (bytes [0, 8) and [4, 12))"));
}

TEST_F(SafetensorsTest, NegativeShapeIsRejected) {
  fs::path file = raw_file(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})");
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }),
                       "tensor 'w': \"shape\" must be a list of non-negative integers"));
}

TEST_F(SafetensorsTest, MetadataMustMapStringsToStrings) {
  fs::path file = raw_file(R"({"__metadata__":{"epoch":3}})");
  EXPECT_TRUE(Contains(error_of([&] { read_safetensors(file); }),
                       "\"__metadata__\" entry 'epoch' must be a string"));
}

TEST_F(SafetensorsTest, WriterRefusesDataThatDoesNotFillTheShape) {
  NamedArray array = make_named_array("w", {2}, std::vector<float>{1.0f, 2.0f});
  array.shape = {3};
  EXPECT_TRUE(Contains(error_of([&] { write_safetensors(path("x.safetensors"), {array}); }),
                       "tensor 'w': 8 bytes of data do not match its dtype and shape"));
  EXPECT_FALSE(fs::exists(path("x.safetensors")));
}

TEST_F(SafetensorsTest, WriterRefusesRepeatedAndReservedNames) {
  auto one = make_named_array("w", {1}, std::vector<float>{1.0f});
  EXPECT_TRUE(Contains(error_of([&] {
                         write_safetensors(path("x.safetensors"), {one, one});
                       }),
                       "tensor name 'w' is used twice"));
  one.name = "__metadata__";
  EXPECT_TRUE(
      Contains(error_of([&] { write_safetensors(path("x.safetensors"), {one}); }), "reserved"));
}

}  // namespace
}  // namespace scidl::io
