// A tiny protocol-buffer wire-format encoder and decoder, enough for TensorBoard's and ONNX's few
// messages.
// Contract: ProtoWriter appends fields in the order called, always (proto3 defaults included, so a
// oneof member set to 0 is still present); callers skip defaults themselves where they want.
// Integers are varints (int64 as two's complement, 10 bytes when negative), double is fixed64,
// float is fixed32, strings/bytes/sub-messages are length-delimited, repeated doubles are packed.
// ProtoReader walks one message's fields in order and throws ProtobufError, naming the byte
// offset, on a truncated or malformed field. Offsets count from the start of the outermost
// message when nested readers are built with ProtoReader::nested(). Neither allocates per field
// beyond the output string; the reader returns views into the caller's buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace scidl::io {

// The wire types of https://protobuf.dev/programming-guides/encoding (groups are not supported).
enum class WireType : std::uint8_t { varint = 0, fixed64 = 1, length_delimited = 2, fixed32 = 5 };

class ProtoWriter {
 public:
  void add_varint(std::uint32_t field, std::uint64_t value);
  void add_int64(std::uint32_t field, std::int64_t value);  // int32/int64/enum fields
  void add_bool(std::uint32_t field, bool value) { add_varint(field, value ? 1 : 0); }
  void add_double(std::uint32_t field, double value);
  void add_float(std::uint32_t field, float value);
  void add_bytes(std::uint32_t field, std::string_view bytes);  // string, bytes
  void add_message(std::uint32_t field, const ProtoWriter& message) {
    add_bytes(field, message.bytes());
  }
  void add_packed_doubles(std::uint32_t field, std::span<const double> values);

  const std::string& bytes() const { return buffer_; }
  std::string release() { return std::move(buffer_); }

 private:
  void put_tag(std::uint32_t field, WireType type);
  void put_varint(std::uint64_t value);
  void put_fixed64(std::uint64_t bits);
  std::string buffer_;
};

class ProtobufError : public std::runtime_error {
 public:
  ProtobufError(const std::string& what, std::size_t offset)
      : std::runtime_error(what + " at byte " + std::to_string(offset) + " of the message"),
        offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// One decoded field. Which payload member is meaningful depends on `type`.
struct ProtoField {
  std::uint32_t number = 0;
  WireType type = WireType::varint;
  std::uint64_t varint = 0;  // varint payload
  std::uint64_t fixed = 0;   // fixed64 / fixed32 payload bits (little-endian decoded)
  std::string_view bytes;    // length-delimited payload, a view into the reader's buffer
  std::size_t offset = 0;    // where the payload starts (after any length), counted from the
                             // start of the outermost message

  std::int64_t as_int64() const { return static_cast<std::int64_t>(varint); }
  bool as_bool() const { return varint != 0; }
  double as_double() const;  // requires type == fixed64
  float as_float() const;    // requires type == fixed32
  // Throws ProtobufError unless the field has wire type `expected`.
  void require(WireType expected) const;
};

class ProtoReader {
 public:
  explicit ProtoReader(std::string_view message, std::size_t base_offset = 0)
      : data_(message), base_(base_offset) {}
  // A reader over a length-delimited field's payload that keeps outer-message offsets.
  static ProtoReader nested(const ProtoField& field) {
    return ProtoReader(field.bytes, field.offset);
  }

  // Reads the next field into `field`; returns false at the end of the message.
  bool next(ProtoField& field);

  // Decodes a packed repeated double payload (also accepts an unpacked single fixed64 field).
  static void append_doubles(const ProtoField& field, std::vector<double>& out);
  static void append_floats(const ProtoField& field, std::vector<float>& out);

 private:
  std::uint64_t read_varint();
  std::uint64_t read_fixed(std::size_t width);
  [[noreturn]] void fail(const std::string& what, std::size_t at) const;
  std::string_view data_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
};

}  // namespace scidl::io
