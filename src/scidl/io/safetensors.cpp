#include "scidl/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "scidl/io/file_io.h"
#include "scidl/io/json_fields.h"

namespace scidl::io {
namespace {

using nlohmann::json;

// A dtype as stored in a file, and what scidl loads it as.
struct StoredType {
  std::string_view name;
  std::size_t bytes;
  ElementType loads_as;
};

constexpr StoredType kReadableTypes[] = {
    {"F32", 4, ElementType::Float32},  {"F64", 8, ElementType::Float64},
    {"I64", 8, ElementType::Int64},    {"F16", 2, ElementType::Float32},
    {"BF16", 2, ElementType::Float32}, {"I32", 4, ElementType::Int64},
};

std::optional<StoredType> readable_type(std::string_view name) {
  for (const StoredType& type : kReadableTypes) {
    if (type.name == name) return type;
  }
  return std::nullopt;
}

// IEEE 754 binary16 to binary32, exactly (subnormals, infinities and NaN payloads included).
float half_to_float(std::uint16_t half) {
  std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
  std::uint32_t exponent = (half >> 10) & 0x1Fu;
  std::uint32_t mantissa = half & 0x3FFu;
  std::uint32_t bits = 0;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa != 0) {
    // Subnormal half: shift the mantissa up until its leading bit becomes the implicit one.
    int shift = 0;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      ++shift;
    }
    bits = sign | (static_cast<std::uint32_t>(113 - shift) << 23) | ((mantissa & 0x3FFu) << 13);
  } else {
    bits = sign;
  }
  return std::bit_cast<float>(bits);
}

// bfloat16 is the top half of a float32.
float bfloat16_to_float(std::uint16_t value) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(value) << 16);
}

template <class From, class To, class Convert>
void widen(const char* source, std::size_t count, std::byte* target, Convert convert) {
  for (std::size_t i = 0; i < count; ++i) {
    From from;
    std::memcpy(&from, source + i * sizeof(From), sizeof(From));
    To to = convert(from);
    std::memcpy(target + i * sizeof(To), &to, sizeof(To));
  }
}

// Copies the stored bytes into `array`, widening F16/BF16/I32.
void load_values(const StoredType& stored, const char* source, NamedArray& array) {
  std::size_t count = static_cast<std::size_t>(array.numel());
  array.data.resize(count * element_size(array.dtype));
  if (stored.name == "F16") {
    widen<std::uint16_t, float>(source, count, array.data.data(), half_to_float);
  } else if (stored.name == "BF16") {
    widen<std::uint16_t, float>(source, count, array.data.data(), bfloat16_to_float);
  } else if (stored.name == "I32") {
    widen<std::int32_t, std::int64_t>(source, count, array.data.data(),
                                      [](std::int32_t v) { return std::int64_t{v}; });
  } else if (!array.data.empty()) {
    std::memcpy(array.data.data(), source, array.data.size());
  }
}

struct Entry {
  NamedArray array;  // data not yet loaded
  StoredType stored;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

class SafetensorsReader {
 public:
  explicit SafetensorsReader(const std::filesystem::path& path) : file_(path.string()) {
    try {
      bytes_ = read_file_bytes(path);
    } catch (const FileError& error) {
      throw SafetensorsError(error.what());
    }
  }

  std::vector<NamedArray> read(std::map<std::string, std::string>* metadata) {
    if (bytes_.size() < 8) {
      fail("too short for a safetensors file (" + std::to_string(bytes_.size()) +
           " bytes; it must start with an 8-byte header length)");
    }
    std::uint64_t header_size = load_u64_le(bytes_.data());
    if (header_size > bytes_.size() - 8) {
      fail("header length " + std::to_string(header_size) + " runs past the end of the file (" +
           std::to_string(bytes_.size()) + " bytes); not a safetensors file, or truncated");
    }
    buffer_ = bytes_.data() + 8 + header_size;
    buffer_size_ = bytes_.size() - 8 - header_size;
    json header = parse_header(std::string_view(bytes_.data() + 8, header_size));

    std::vector<Entry> entries;
    if (metadata != nullptr) metadata->clear();
    for (const auto& [key, value] : header.items()) {
      if (key == "__metadata__") {
        read_metadata(value, metadata);
      } else {
        entries.push_back(describe(key, value));
      }
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    check_no_overlap(entries);

    std::vector<NamedArray> arrays;
    arrays.reserve(entries.size());
    for (Entry& entry : entries) {
      load_values(entry.stored, buffer_ + entry.begin, entry.array);
      arrays.push_back(std::move(entry.array));
    }
    return arrays;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw SafetensorsError(file_ + ": " + what);
  }
  [[noreturn]] void fail(const std::string& tensor, const std::string& what) const {
    throw SafetensorsError(file_ + ": tensor '" + tensor + "': " + what);
  }

  json parse_header(std::string_view text) const {
    json header;
    try {
      header = json::parse(text);
    } catch (const json::parse_error& error) {
      fail(std::string("header is not valid JSON (") + error.what() + ")");
    }
    if (!header.is_object()) fail("header is JSON but not an object of tensors");
    return header;
  }

  void read_metadata(const json& value, std::map<std::string, std::string>* metadata) const {
    if (!value.is_object()) fail("\"__metadata__\" must be an object of strings");
    for (const auto& [key, text] : value.items()) {
      if (!text.is_string()) {
        fail("\"__metadata__\" entry '" + key + "' must be a string, not " + text.dump());
      }
      if (metadata != nullptr) (*metadata)[key] = text.get<std::string>();
    }
  }

  Entry describe(const std::string& name, const json& value) const {
    if (!value.is_object()) fail(name, "header entry must be an object, not " + value.dump());
    auto field = [&](const char* key) -> const json& {
      auto found = value.find(key);
      if (found == value.end()) fail(name, std::string("header entry has no \"") + key + "\"");
      return *found;
    };
    const json& dtype = field("dtype");
    if (!dtype.is_string()) fail(name, "\"dtype\" must be a string, not " + dtype.dump());
    auto stored = readable_type(dtype.get<std::string>());
    if (!stored) {
      fail(name, "dtype '" + dtype.get<std::string>() +
                     "' is not one scidl reads (F32, F64, I64; F16 and BF16 load as F32, I32 as "
                     "I64); convert the tensor before saving");
    }
    auto shape = json_shape(field("shape"));
    if (!shape) fail(name, "\"shape\" must be a list of non-negative integers");

    const json& offsets = field("data_offsets");
    std::optional<std::uint64_t> begin, end;
    if (offsets.is_array() && offsets.size() == 2) {
      begin = json_non_negative_integer(offsets[0]);
      end = json_non_negative_integer(offsets[1]);
    }
    if (!begin || !end || *begin > *end) {
      fail(name,
           "\"data_offsets\" must be [begin, end] with 0 <= begin <= end, not " + offsets.dump());
    }
    if (*end > buffer_size_) {
      fail(name, "data_offsets " + offsets.dump() + " run past the end of the data (" +
                     std::to_string(buffer_size_) + " bytes); the file may be truncated");
    }
    auto expected = checked_byte_count(*shape, stored->bytes);
    if (!expected || *expected != *end - *begin) {
      fail(name, "data_offsets " + offsets.dump() + " hold " + std::to_string(*end - *begin) +
                     " bytes, but dtype " + std::string(stored->name) + " and shape " +
                     json(*shape).dump() + " need " +
                     (expected ? std::to_string(*expected) : std::string("more than 2^64")));
    }
    return Entry{NamedArray{name, stored->loads_as, std::move(*shape), {}}, *stored, *begin, *end};
  }

  void check_no_overlap(const std::vector<Entry>& sorted) const {
    const Entry* previous = nullptr;
    for (const Entry& entry : sorted) {
      if (entry.begin == entry.end) continue;
      if (previous != nullptr && entry.begin < previous->end) {
        fail("tensors '" + previous->array.name + "' and '" + entry.array.name +
             "' overlap (bytes [" + std::to_string(previous->begin) + ", " +
             std::to_string(previous->end) + ") and [" + std::to_string(entry.begin) + ", " +
             std::to_string(entry.end) + "))");
      }
      previous = &entry;
    }
  }

  std::string file_;
  std::vector<char> bytes_;
  const char* buffer_ = nullptr;
  std::uint64_t buffer_size_ = 0;
};

void check_writable(const std::string& file, const std::vector<NamedArray>& arrays) {
  std::vector<std::string_view> names;
  for (const NamedArray& array : arrays) {
    std::string where = "write_safetensors '" + file + "': tensor '" + array.name + "': ";
    if (array.name.empty() || array.name == "__metadata__") {
      throw SafetensorsError(where + "that name is reserved or empty");
    }
    if (!array.is_consistent()) {
      throw SafetensorsError(where + std::to_string(array.data.size()) +
                             " bytes of data do not match its dtype and shape");
    }
    names.push_back(array.name);
  }
  std::sort(names.begin(), names.end());
  auto repeated = std::adjacent_find(names.begin(), names.end());
  if (repeated != names.end()) {
    throw SafetensorsError("write_safetensors '" + file + "': tensor name '" +
                           std::string(*repeated) + "' is used twice");
  }
}

}  // namespace

std::vector<NamedArray> read_safetensors(const std::filesystem::path& path,
                                         std::map<std::string, std::string>* metadata) {
  return SafetensorsReader(path).read(metadata);
}

void write_safetensors(const std::filesystem::path& path, const std::vector<NamedArray>& arrays,
                       const std::map<std::string, std::string>& metadata) {
  const std::string file = path.string();
  check_writable(file, arrays);
  std::vector<std::size_t> order(arrays.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return arrays[a].name < arrays[b].name; });

  json header = json::object();
  std::uint64_t offset = 0;
  for (std::size_t index : order) {
    const NamedArray& array = arrays[index];
    std::uint64_t end = offset + array.data.size();
    header[array.name] = {{"dtype", element_type_name(array.dtype)},
                          {"shape", array.shape},
                          {"data_offsets", {offset, end}}};
    offset = end;
  }
  if (!metadata.empty()) header["__metadata__"] = metadata;

  std::string header_text;
  try {
    header_text = header.dump();
  } catch (const json::type_error& error) {
    throw SafetensorsError("write_safetensors '" + file +
                           "': a name or metadata entry is not valid UTF-8 (" + error.what() + ")");
  }
  header_text.append((8 - header_text.size() % 8) % 8, ' ');
  std::string prefix;
  append_u64_le(prefix, header_text.size());

  try {
    AtomicFileWriter writer(path);
    writer.write(prefix);
    writer.write(header_text);
    for (std::size_t index : order)
      writer.write(arrays[index].data.data(), arrays[index].data.size());
    writer.commit();
  } catch (const FileError& error) {
    throw SafetensorsError(error.what());
  }
}

}  // namespace scidl::io
