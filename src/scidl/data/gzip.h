// gzip in memory (zlib): lets the text readers (CSV) take .csv.gz files as they are, so datasets
// can be committed compressed. Contract: gunzip inflates every gzip member of `bytes` in turn;
// corrupt or truncated data throws std::runtime_error naming `source`.
#pragma once
#include <string>
#include <vector>

namespace scidl::data {

// True when the bytes start with the gzip magic number (1f 8b).
bool is_gzip(const std::vector<char>& bytes);

std::vector<char> gunzip(const std::vector<char>& bytes, const std::string& source);

}  // namespace scidl::data
