#include "scidl/data/gzip.h"

#include <fmt/format.h>
#include <zlib.h>

#include <stdexcept>

namespace scidl::data {

bool is_gzip(const std::vector<char>& bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

std::vector<char> gunzip(const std::vector<char>& bytes, const std::string& source) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK)  // 15: largest window; +16: gzip header only
    throw std::runtime_error(fmt::format("{}: cannot start zlib's inflate", source));
  std::vector<char> out;
  out.reserve(bytes.size() * 4);
  char buffer[1 << 16];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  int status = Z_OK;
  while (true) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.insert(out.end(), buffer, buffer + (sizeof buffer - stream.avail_out));
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // concatenated gzip members (gzip a b > c) read as one file
      continue;
    }
    if (status != Z_OK) break;
    if (stream.avail_in == 0 && stream.avail_out != 0) {
      status = Z_BUF_ERROR;  // input ended inside a member
      break;
    }
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END)
    throw std::runtime_error(fmt::format(
        "{}: the gzip data is corrupt or truncated (zlib status {}); copy the file again", source,
        status));
  return out;
}

}  // namespace scidl::data
