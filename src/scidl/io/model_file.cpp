// Layout (docs/model_file_format.md is the specification):
//   "SCIDLMDL" | u32 version | u64 header length H | H bytes of JSON, space-padded so the data
//   section starts on a 64-byte boundary | data section (each array 64-byte aligned) |
//   u32 CRC-32 of everything before it | "SCIDLEND"
#include "scidl/io/model_file.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include "scidl/io/file_io.h"
#include "scidl/io/json_fields.h"

namespace scidl::io {
namespace {

using nlohmann::json;
using Kind = ModelFileError::Kind;

constexpr std::string_view kMagic = "SCIDLMDL";
constexpr std::string_view kEndMagic = "SCIDLEND";
constexpr std::size_t kPreludeSize = 8 + 4 + 8;  // magic, version, header length
constexpr std::size_t kTrailerSize = 4 + 8;      // CRC-32, end magic
constexpr std::uint64_t kAlignment = 64;

std::uint64_t align_up(std::uint64_t offset) {
  return (offset + kAlignment - 1) / kAlignment * kAlignment;
}

// CRC-32 (zlib's, the one gzip and PNG use) continued over more bytes.
std::uint32_t crc32_update(std::uint32_t crc, const void* bytes, std::size_t count) {
  if (count == 0) return crc;  // zlib treats a null pointer as "give me the initial value"
  return static_cast<std::uint32_t>(
      ::crc32_z(crc, static_cast<const Bytef*>(bytes), static_cast<z_size_t>(count)));
}

std::string hex32(std::uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

// The first bytes of a file as printable text, for "this is not a model file" messages.
std::string printable_start(const std::vector<char>& bytes) {
  std::string text;
  for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 8); ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7F) {
      text.push_back(static_cast<char>(c));
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", c);
      text += escaped;
    }
  }
  return text;
}

class ModelFileReader {
 public:
  explicit ModelFileReader(const std::filesystem::path& path) : file_(path.string()) {
    try {
      bytes_ = read_file_bytes(path);
    } catch (const FileError& error) {
      throw ModelFileError(Kind::FileAccess, error.what());
    }
  }

  ModelFile read() {
    check_prelude();
    const std::uint64_t header_size = load_u64_le(bytes_.data() + 12);
    if (header_size > bytes_.size() || kPreludeSize + header_size + kTrailerSize > bytes_.size()) {
      fail(Kind::Truncated, "truncated: its header alone needs " +
                                std::to_string(kPreludeSize + header_size + kTrailerSize) +
                                " bytes, the file has " + std::to_string(bytes_.size()));
    }
    data_start_ = kPreludeSize + header_size;
    std::string_view header_text(bytes_.data() + kPreludeSize, header_size);

    const bool has_end_magic = std::string_view(bytes_.data() + bytes_.size() - kEndMagic.size(),
                                                kEndMagic.size()) == kEndMagic;
    if (!has_end_magic) report_missing_end(header_text);
    check_checksum();

    json header = parse_header(header_text);
    const std::uint64_t expected = data_start_ + data_size_ + kTrailerSize;
    if (expected != bytes_.size()) {
      fail(Kind::Malformed, "its header describes " + std::to_string(expected) +
                                " bytes, but the file has " + std::to_string(bytes_.size()));
    }
    if (data_start_ % kAlignment != 0) {
      fail(Kind::Malformed, "the data section starts at byte " + std::to_string(data_start_) +
                                ", not on a 64-byte boundary");
    }
    return ModelFile{std::move(header["meta"]), read_arrays(header["tensors"])};
  }

 private:
  [[noreturn]] void fail(Kind kind, const std::string& what) const {
    throw ModelFileError(kind, file_ + ": " + what);
  }

  void check_prelude() const {
    const std::size_t size = bytes_.size();
    if (size == 0) fail(Kind::NotAModelFile, "the file is empty, not a scidl model file");
    const std::size_t compared = std::min(size, kMagic.size());
    if (std::memcmp(bytes_.data(), kMagic.data(), compared) != 0) {
      std::string hint;
      if (size > 8 && bytes_[8] == '{') hint = "; it looks like a safetensors file";
      fail(Kind::NotAModelFile, "not a scidl model file (it starts with '" +
                                    printable_start(bytes_) + "', a model file with '" +
                                    std::string(kMagic) + "')" + hint);
    }
    if (size < kPreludeSize) {
      fail(Kind::Truncated, "truncated: expected at least " + std::to_string(kPreludeSize) +
                                " bytes, found " + std::to_string(size));
    }
    const std::uint32_t version = load_u32_le(bytes_.data() + 8);
    if (version > kModelFileFormatVersion) {
      fail(Kind::UnsupportedVersion, "was written by a newer scidl: format version " +
                                         std::to_string(version) + ", this build reads " +
                                         std::to_string(kModelFileFormatVersion) +
                                         "; update scidl to load it");
    }
    if (version == 0) {
      fail(Kind::UnsupportedVersion,
           "format version 0 was never written by scidl (this build reads " +
               std::to_string(kModelFileFormatVersion) + "); the file is corrupt");
    }
  }

  // No end marker: say how long the file should be when the header still tells us.
  [[noreturn]] void report_missing_end(std::string_view header_text) const {
    std::optional<std::uint64_t> data_size;
    try {
      json header = json::parse(header_text);
      if (header.is_object() && header.contains("data_size")) {
        data_size = json_non_negative_integer(header["data_size"]);
      }
    } catch (const json::exception&) {
    }
    if (!data_size) {
      fail(Kind::Truncated,
           "truncated or corrupt: it does not end with '" + std::string(kEndMagic) + "'");
    }
    const std::uint64_t expected = data_start_ + *data_size + kTrailerSize;
    if (bytes_.size() < expected) {
      fail(Kind::Truncated, "truncated: expected " + std::to_string(expected) + " bytes, found " +
                                std::to_string(bytes_.size()) + " (was the write interrupted?)");
    }
    fail(Kind::Malformed, "expected " + std::to_string(expected) + " bytes ending in '" +
                              std::string(kEndMagic) + "', found " + std::to_string(bytes_.size()) +
                              " bytes without that ending");
  }

  void check_checksum() const {
    const std::size_t covered = bytes_.size() - kTrailerSize;
    const std::uint32_t stored = load_u32_le(bytes_.data() + covered);
    const std::uint32_t computed = crc32_update(::crc32_z(0, nullptr, 0), bytes_.data(), covered);
    if (stored != computed) {
      fail(Kind::ChecksumMismatch, "checksum mismatch: stored CRC-32 " + hex32(stored) +
                                       ", computed " + hex32(computed) +
                                       "; the file was corrupted after it was written");
    }
  }

  json parse_header(std::string_view text) {
    json header;
    try {
      header = json::parse(text);
    } catch (const json::parse_error& error) {
      fail(Kind::Malformed, std::string("header is not valid JSON (") + error.what() + ")");
    }
    if (!header.is_object() || !header.contains("meta") || !header.contains("tensors") ||
        !header["tensors"].is_array() || !header.contains("data_size")) {
      fail(Kind::Malformed,
           "header must be an object with \"meta\", \"tensors\" and \"data_size\"");
    }
    auto data_size = json_non_negative_integer(header["data_size"]);
    if (!data_size) fail(Kind::Malformed, "\"data_size\" must be a non-negative integer");
    data_size_ = *data_size;
    return header;
  }

  // One tensor-table entry, checked against the data section.
  struct TableEntry {
    NamedArray array;  // without data
    std::uint64_t offset = 0;
    std::uint64_t nbytes = 0;
  };

  std::vector<NamedArray> read_arrays(const json& table) const {
    std::vector<TableEntry> entries;
    for (const json& entry : table) entries.push_back(describe(entry));
    check_layout(entries);
    std::vector<NamedArray> arrays;
    arrays.reserve(entries.size());
    for (TableEntry& entry : entries) {
      entry.array.data.resize(entry.nbytes);
      if (entry.nbytes > 0) {
        std::memcpy(entry.array.data.data(), bytes_.data() + data_start_ + entry.offset,
                    entry.nbytes);
      }
      arrays.push_back(std::move(entry.array));
    }
    return arrays;
  }

  // Names are unique and no two arrays share bytes.
  void check_layout(const std::vector<TableEntry>& entries) const {
    std::vector<const TableEntry*> by_offset;
    for (const TableEntry& entry : entries) by_offset.push_back(&entry);
    std::sort(by_offset.begin(), by_offset.end(),
              [](const TableEntry* a, const TableEntry* b) { return a->offset < b->offset; });
    const TableEntry* previous = nullptr;
    for (const TableEntry* entry : by_offset) {
      if (entry->nbytes == 0) continue;
      if (previous != nullptr && entry->offset < previous->offset + previous->nbytes) {
        fail(Kind::Malformed,
             "arrays '" + previous->array.name + "' and '" + entry->array.name + "' overlap");
      }
      previous = entry;
    }
    std::vector<std::string_view> names;
    for (const TableEntry& entry : entries) names.push_back(entry.array.name);
    std::sort(names.begin(), names.end());
    auto repeated = std::adjacent_find(names.begin(), names.end());
    if (repeated != names.end()) {
      fail(Kind::Malformed, "array name '" + std::string(*repeated) + "' appears twice");
    }
  }

  // Reads a required non-negative integer member of a table entry.
  bool read_count(const json& entry, const char* key, std::uint64_t& value) const {
    auto found = entry.find(key);
    if (found == entry.end()) return false;
    auto count = json_non_negative_integer(*found);
    if (count) value = *count;
    return count.has_value();
  }

  TableEntry describe(const json& entry) const {
    if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string()) {
      fail(Kind::Malformed, "tensor table entry without a name: " + entry.dump());
    }
    TableEntry result;
    result.array.name = entry["name"].get<std::string>();
    const std::string where = "array '" + result.array.name + "': ";
    auto dtype = entry.contains("dtype") && entry["dtype"].is_string()
                     ? element_type_from_name(entry["dtype"].get<std::string>())
                     : std::nullopt;
    if (!dtype) fail(Kind::Malformed, where + "\"dtype\" must be \"F32\", \"F64\" or \"I64\"");
    result.array.dtype = *dtype;
    auto shape = entry.contains("shape") ? json_shape(entry["shape"]) : std::nullopt;
    if (!shape) fail(Kind::Malformed, where + "\"shape\" must be a list of non-negative integers");
    result.array.shape = std::move(*shape);
    if (!read_count(entry, "offset", result.offset) ||
        !read_count(entry, "nbytes", result.nbytes)) {
      fail(Kind::Malformed, where + "\"offset\" and \"nbytes\" must be non-negative integers");
    }
    const std::uint64_t offset = result.offset, nbytes = result.nbytes;
    if (offset % kAlignment != 0) {
      fail(Kind::Malformed, where + "offset " + std::to_string(offset) + " is not 64-aligned");
    }
    auto expected = checked_byte_count(result.array.shape, result.array.dtype);
    if (!expected || *expected != nbytes) {
      fail(Kind::Malformed, where + "nbytes " + std::to_string(nbytes) + " does not match dtype " +
                                std::string(element_type_name(result.array.dtype)) + " and shape " +
                                json(result.array.shape).dump());
    }
    if (nbytes > data_size_ || offset > data_size_ - nbytes) {
      fail(Kind::Malformed, where + "bytes [" + std::to_string(offset) + ", " +
                                std::to_string(offset + nbytes) + ") run past the data section (" +
                                std::to_string(data_size_) + " bytes)");
    }
    return result;
  }

  std::string file_;
  std::vector<char> bytes_;
  std::uint64_t data_start_ = 0;
  std::uint64_t data_size_ = 0;
};

void check_writable(const std::string& file, const std::vector<NamedArray>& arrays) {
  std::vector<std::string_view> names;
  for (const NamedArray& array : arrays) {
    const std::string where = "write_model_file '" + file + "': array '" + array.name + "': ";
    if (array.name.empty()) throw ModelFileError(Kind::InvalidArrays, where + "name is empty");
    if (!array.is_consistent()) {
      throw ModelFileError(Kind::InvalidArrays, where + std::to_string(array.data.size()) +
                                                    " bytes of data do not match its dtype " +
                                                    std::string(element_type_name(array.dtype)) +
                                                    " and shape");
    }
    names.push_back(array.name);
  }
  std::sort(names.begin(), names.end());
  auto repeated = std::adjacent_find(names.begin(), names.end());
  if (repeated != names.end()) {
    throw ModelFileError(Kind::InvalidArrays, "write_model_file '" + file + "': array name '" +
                                                  std::string(*repeated) + "' is used twice");
  }
}

// Writes bytes and keeps the running CRC-32 of everything written.
class ChecksummedWriter {
 public:
  explicit ChecksummedWriter(const std::filesystem::path& path) : writer_(path) {}
  void write(const void* bytes, std::size_t count) {
    writer_.write(bytes, count);
    crc_ = crc32_update(crc_, bytes, count);
  }
  void write(std::string_view text) { write(text.data(), text.size()); }
  void write_zeros(std::size_t count) {
    static constexpr char kZeros[kAlignment] = {};
    write(kZeros, count);
  }
  std::uint32_t crc() const { return crc_; }
  void commit() { writer_.commit(); }

 private:
  AtomicFileWriter writer_;
  std::uint32_t crc_ = static_cast<std::uint32_t>(::crc32_z(0, nullptr, 0));
};

}  // namespace

void write_model_file(const std::filesystem::path& path, const nlohmann::json& meta,
                      const std::vector<NamedArray>& arrays) {
  const std::string file = path.string();
  check_writable(file, arrays);

  json table = json::array();
  std::vector<std::uint64_t> offsets;
  std::uint64_t data_size = 0;
  for (const NamedArray& array : arrays) {
    const std::uint64_t offset = align_up(data_size);
    offsets.push_back(offset);
    table.push_back({{"name", array.name},
                     {"dtype", element_type_name(array.dtype)},
                     {"shape", array.shape},
                     {"offset", offset},
                     {"nbytes", array.data.size()}});
    data_size = offset + array.data.size();
  }
  json header = {{"meta", meta},
                 {"tensors", std::move(table)},
                 {"data_size", data_size},
                 {"written_by", std::string("scidl ") + SCIDL_VERSION}};
  std::string header_text;
  try {
    header_text = header.dump();
  } catch (const json::type_error& error) {
    throw ModelFileError(Kind::InvalidArrays, "write_model_file '" + file +
                                                  "': meta or an array name is not valid UTF-8 (" +
                                                  error.what() + ")");
  }
  header_text.append(
      align_up(kPreludeSize + header_text.size()) - kPreludeSize - header_text.size(), ' ');

  std::string prelude(kMagic);
  append_u32_le(prelude, kModelFileFormatVersion);
  append_u64_le(prelude, header_text.size());
  try {
    ChecksummedWriter writer(path);
    writer.write(prelude);
    writer.write(header_text);
    std::uint64_t written = 0;
    for (std::size_t i = 0; i < arrays.size(); ++i) {
      writer.write_zeros(offsets[i] - written);
      writer.write(arrays[i].data.data(), arrays[i].data.size());
      written = offsets[i] + arrays[i].data.size();
    }
    std::string trailer;
    append_u32_le(trailer, writer.crc());
    trailer += kEndMagic;
    writer.write(trailer);
    writer.commit();
  } catch (const FileError& error) {
    throw ModelFileError(Kind::FileAccess, error.what());
  }
}

ModelFile read_model_file(const std::filesystem::path& path) {
  return ModelFileReader(path).read();
}

}  // namespace scidl::io
