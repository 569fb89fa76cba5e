// Protocol-buffer wire format: tags, varints, little-endian fixed-width numbers, length prefixes.
#include "scidl/io/protobuf_writer.h"

#include <bit>

namespace scidl::io {

void ProtoWriter::put_varint(std::uint64_t value) {
  while (value >= 0x80) {
    buffer_.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  buffer_.push_back(static_cast<char>(value));
}

void ProtoWriter::put_tag(std::uint32_t field, WireType type) {
  put_varint((static_cast<std::uint64_t>(field) << 3) | static_cast<std::uint64_t>(type));
}

void ProtoWriter::put_fixed64(std::uint64_t bits) {
  for (int i = 0; i < 8; ++i) buffer_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void ProtoWriter::add_varint(std::uint32_t field, std::uint64_t value) {
  put_tag(field, WireType::varint);
  put_varint(value);
}

void ProtoWriter::add_int64(std::uint32_t field, std::int64_t value) {
  add_varint(field, static_cast<std::uint64_t>(value));
}

void ProtoWriter::add_double(std::uint32_t field, double value) {
  put_tag(field, WireType::fixed64);
  put_fixed64(std::bit_cast<std::uint64_t>(value));
}

void ProtoWriter::add_float(std::uint32_t field, float value) {
  put_tag(field, WireType::fixed32);
  const auto bits = std::bit_cast<std::uint32_t>(value);
  for (int i = 0; i < 4; ++i) buffer_.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
}

void ProtoWriter::add_bytes(std::uint32_t field, std::string_view bytes) {
  put_tag(field, WireType::length_delimited);
  put_varint(bytes.size());
  buffer_.append(bytes);
}

void ProtoWriter::add_packed_doubles(std::uint32_t field, std::span<const double> values) {
  put_tag(field, WireType::length_delimited);
  put_varint(values.size() * 8);
  for (double v : values) put_fixed64(std::bit_cast<std::uint64_t>(v));
}

double ProtoField::as_double() const { return std::bit_cast<double>(fixed); }
float ProtoField::as_float() const {
  return std::bit_cast<float>(static_cast<std::uint32_t>(fixed));
}

void ProtoField::require(WireType expected) const {
  if (type != expected)
    throw ProtobufError("field " + std::to_string(number) + " has wire type " +
                            std::to_string(static_cast<int>(type)) + ", expected " +
                            std::to_string(static_cast<int>(expected)),
                        offset);
}

void ProtoReader::fail(const std::string& what, std::size_t at) const {
  throw ProtobufError(what, base_ + at);
}

std::uint64_t ProtoReader::read_varint() {
  const std::size_t start = pos_;
  std::uint64_t value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= data_.size()) fail("truncated varint", start);
    const auto byte = static_cast<std::uint8_t>(data_[pos_++]);
    value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return value;
  }
  fail("varint longer than 10 bytes", start);
}

std::uint64_t ProtoReader::read_fixed(std::size_t width) {
  if (data_.size() - pos_ < width) fail("truncated fixed-width field", pos_);
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < width; ++i)
    bits |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(data_[pos_ + i])) << (8 * i);
  pos_ += width;
  return bits;
}

bool ProtoReader::next(ProtoField& field) {
  if (pos_ >= data_.size()) return false;
  const std::size_t tag_at = pos_;
  const std::uint64_t tag = read_varint();
  field = ProtoField{};
  field.number = static_cast<std::uint32_t>(tag >> 3);
  if (field.number == 0) fail("field number 0", tag_at);
  field.offset = base_ + pos_;
  switch (tag & 7) {
    case 0:
      field.type = WireType::varint;
      field.varint = read_varint();
      break;
    case 1:
      field.type = WireType::fixed64;
      field.fixed = read_fixed(8);
      break;
    case 2: {
      field.type = WireType::length_delimited;
      const std::uint64_t length = read_varint();
      if (length > data_.size() - pos_)
        fail("length-delimited field " + std::to_string(field.number) + " claims " +
                 std::to_string(length) + " bytes but only " + std::to_string(data_.size() - pos_) +
                 " remain",
             tag_at);
      field.offset = base_ + pos_;
      field.bytes = data_.substr(pos_, length);
      pos_ += length;
      break;
    }
    case 5:
      field.type = WireType::fixed32;
      field.fixed = read_fixed(4);
      break;
    default:
      fail("unsupported wire type " + std::to_string(tag & 7), tag_at);
  }
  return true;
}

void ProtoReader::append_doubles(const ProtoField& field, std::vector<double>& out) {
  if (field.type == WireType::fixed64) {
    out.push_back(field.as_double());
    return;
  }
  if (field.type != WireType::length_delimited || field.bytes.size() % 8 != 0)
    throw ProtobufError("packed doubles of field " + std::to_string(field.number) +
                            " are not a multiple of 8 bytes",
                        field.offset);
  ProtoReader packed(field.bytes, field.offset);
  while (packed.pos_ < packed.data_.size())
    out.push_back(std::bit_cast<double>(packed.read_fixed(8)));
}

void ProtoReader::append_floats(const ProtoField& field, std::vector<float>& out) {
  if (field.type == WireType::fixed32) {
    out.push_back(field.as_float());
    return;
  }
  if (field.type != WireType::length_delimited || field.bytes.size() % 4 != 0)
    throw ProtobufError(
        "packed floats of field " + std::to_string(field.number) + " are not a multiple of 4 bytes",
        field.offset);
  ProtoReader packed(field.bytes, field.offset);
  while (packed.pos_ < packed.data_.size())
    out.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(packed.read_fixed(4))));
}

}  // namespace scidl::io
