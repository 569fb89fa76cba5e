#include "scidl/data/gretl_xml.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>

#include "scidl/data/csv.h"

namespace scidl::data::gretl {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool is_name_char(char c) {
  return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// The characters XML 1.0 allows in a document (its production Char).
bool is_xml_char(std::uint32_t code) {
  return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
         (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
}

void append_utf8(std::uint32_t code, std::string& out) {
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

}  // namespace

const std::string* XmlTag::attribute(std::string_view wanted) const {
  for (const auto& [key, value] : attributes)
    if (key == wanted) return &value;
  return nullptr;
}

std::string shorten_for_message(std::string_view text) {
  constexpr std::size_t kLongest = 40;
  std::string shown(text.substr(0, kLongest));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  return text.size() > kLongest ? shown + "..." : shown;
}

XmlScanner::XmlScanner(std::string file, std::string_view text)
    : file_(std::move(file)),
      begin_(text.data()),
      cursor_(text.data()),
      end_(text.data() + text.size()) {
  if (starts_with("\xEF\xBB\xBF")) cursor_ += 3;  // a UTF-8 byte-order mark
}

std::int64_t XmlScanner::line_of(const char* at) const {
  at = std::clamp(at, begin_, end_);
  return 1 + std::count(begin_, at, '\n');
}

void XmlScanner::fail(const char* at, const std::string& message) const {
  throw CsvError(file_ + ":" + std::to_string(line_of(at)) + ": " + message);
}

bool XmlScanner::starts_with(std::string_view prefix) const {
  return static_cast<std::size_t>(end_ - cursor_) >= prefix.size() &&
         std::memcmp(cursor_, prefix.data(), prefix.size()) == 0;
}

void XmlScanner::skip_space() {
  while (cursor_ != end_ && is_space(*cursor_)) ++cursor_;
}

void XmlScanner::skip_past(std::string_view terminator, std::string_view what) {
  const char* start = cursor_;
  const char* found = std::search(cursor_, end_, terminator.begin(), terminator.end());
  if (found == end_) fail(start, "unterminated " + std::string(what) + " (is the file truncated?)");
  cursor_ = found + terminator.size();
}

void XmlScanner::skip_doctype() {
  const char* start = cursor_;
  char quote = 0;
  for (; cursor_ != end_; ++cursor_) {
    char c = *cursor_;
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[') {
      fail(cursor_, "a DOCTYPE with an internal subset is not supported in a gretl data file");
    } else if (c == '>') {
      ++cursor_;
      return;
    }
  }
  fail(start, "unterminated DOCTYPE (is the file truncated?)");
}

void XmlScanner::skip_prolog() {
  bool seen_doctype = false;
  for (;;) {
    skip_space();
    if (starts_with("<?")) {
      skip_past("?>", "processing instruction");
    } else if (starts_with("<!--")) {
      skip_past("-->", "comment");
    } else if (!seen_doctype && starts_with("<!DOCTYPE")) {
      seen_doctype = true;
      skip_doctype();
    } else {
      break;
    }
  }
  if (cursor_ == end_) fail(cursor_, "no element: the file is empty or not a gretl data file");
  if (*cursor_ != '<') {
    const char* line_end = std::find(cursor_, end_, '\n');
    fail(cursor_, "the file starts with '" + shorten_for_message({cursor_, line_end}) +
                      "', not with an XML element: it is not a gretl data file");
  }
}

void XmlScanner::skip_between_children(std::string_view parent, std::string_view how_far) {
  for (;;) {
    skip_space();
    if (cursor_ == end_) {
      fail(cursor_, fmt::format("the file ends inside <{}>{}{} (is it truncated?)", parent,
                                how_far.empty() ? "" : " ", how_far));
    }
    if (starts_with("<!--")) {
      skip_past("-->", "comment");
    } else if (starts_with("<?")) {
      skip_past("?>", "processing instruction");
    } else if (*cursor_ == '<') {
      return;
    } else {
      const char* text_end = std::find(cursor_, end_, '<');
      fail(cursor_, "unexpected text '" + shorten_for_message({cursor_, text_end}) + "' inside <" +
                        std::string(parent) + ">");
    }
  }
}

void XmlScanner::expect_end_of_document() {
  for (;;) {
    skip_space();
    if (cursor_ == end_) return;
    if (starts_with("<!--")) {
      skip_past("-->", "comment");
    } else if (starts_with("<?")) {
      skip_past("?>", "processing instruction");
    } else {
      const char* line_end = std::find(cursor_, end_, '\n');
      fail(cursor_, "unexpected '" + shorten_for_message({cursor_, line_end}) +
                        "' after the end of the root element");
    }
  }
}

bool XmlScanner::at_end_tag() const { return starts_with("</"); }

std::string XmlScanner::read_name(std::string_view what) {
  const char* start = cursor_;
  if (cursor_ == end_ || !is_name_start(*cursor_)) {
    if (cursor_ == end_) fail(cursor_, "the file ends where " + std::string(what) + " should be");
    fail(cursor_, "expected " + std::string(what) + ", found '" +
                      shorten_for_message({cursor_, std::min(end_, cursor_ + 20)}) + "'");
  }
  while (cursor_ != end_ && is_name_char(*cursor_)) ++cursor_;
  return {start, cursor_};
}

XmlTag XmlScanner::read_start_tag() {
  XmlTag tag;
  tag.at = cursor_;
  if (starts_with("<!")) {
    fail(cursor_,
         "CDATA sections and declarations inside elements are not supported in a gretl "
         "data file");
  }
  if (starts_with("</")) {
    const char* line_end = std::find(cursor_, end_, '\n');
    fail(cursor_, "unexpected end tag '" + shorten_for_message({cursor_, line_end}) + "'");
  }
  if (cursor_ == end_ || *cursor_ != '<') fail(cursor_, "expected an element here");
  ++cursor_;
  tag.name = read_name("an element name");
  for (;;) {
    const char* before_space = cursor_;
    skip_space();
    if (cursor_ == end_) fail(tag.at, "the file ends inside <" + tag.name + " (is it truncated?)");
    if (*cursor_ == '>' || starts_with("/>")) {
      tag.self_closing = *cursor_ == '/';
      cursor_ += tag.self_closing ? 2 : 1;
      check_unique_attributes(tag);
      return tag;
    }
    if (cursor_ == before_space) {
      fail(cursor_, "expected a space, '>' or '/>' in <" + tag.name + ", found '" +
                        shorten_for_message({cursor_, 1}) + "'");
    }
    std::string key = read_name("an attribute name");
    skip_space();
    if (cursor_ == end_ || *cursor_ != '=') {
      fail(cursor_, "attribute " + key + " of <" + tag.name + "> has no '=' and value");
    }
    ++cursor_;
    skip_space();
    tag.attributes.emplace_back(std::move(key), read_attribute_value());
  }
}

// Sorted, so that a tag with very many attributes cannot make this quadratic.
void XmlScanner::check_unique_attributes(const XmlTag& tag) const {
  std::vector<std::string_view> keys;
  for (const auto& attribute : tag.attributes) keys.push_back(attribute.first);
  std::sort(keys.begin(), keys.end());
  auto twice = std::adjacent_find(keys.begin(), keys.end());
  if (twice != keys.end()) {
    fail(tag.at, "attribute " + std::string(*twice) + " is given twice in <" + tag.name + ">");
  }
}

std::string XmlScanner::read_attribute_value() {
  if (cursor_ == end_ || (*cursor_ != '"' && *cursor_ != '\'')) {
    fail(cursor_, "an attribute value must be quoted");
  }
  const char quote = *cursor_++;
  const char* start = cursor_;
  const char* stop = std::find(cursor_, end_, quote);
  if (stop == end_) fail(start, "unterminated attribute value (is the file truncated?)");
  const char* less = std::find(start, stop, '<');
  if (less != stop) fail(less, "'<' inside an attribute value; write &lt;");
  cursor_ = stop + 1;
  std::string value;
  decode_into({start, stop}, value, /*normalize_space=*/true);
  return value;
}

void XmlScanner::read_end_tag(std::string_view name) {
  const char* at = cursor_;
  const std::string expected = fmt::format("</{}>", name);
  if (cursor_ == end_) fail(at, "the file ends before " + expected + " (is it truncated?)");
  if (!starts_with("</")) {
    const char* line_end = std::find(cursor_, end_, '\n');
    fail(at, "expected " + expected + ", found '" + shorten_for_message({cursor_, line_end}) + "'");
  }
  cursor_ += 2;
  std::string found = read_name("an element name");
  if (found != name) fail(at, "expected " + expected + ", found </" + found + ">");
  skip_space();
  if (cursor_ == end_ || *cursor_ != '>') fail(at, "unterminated end tag " + expected);
  ++cursor_;
}

std::string_view XmlScanner::read_text(std::string& storage) {
  const char* start = cursor_;
  cursor_ = std::find(cursor_, end_, '<');
  std::string_view raw(start, static_cast<std::size_t>(cursor_ - start));
  if (raw.find('&') == std::string_view::npos) return raw;
  storage.clear();
  decode_into(raw, storage, /*normalize_space=*/false);
  return storage;
}

void XmlScanner::skip_text_element(const XmlTag& tag) {
  if (tag.self_closing) return;
  std::string ignored;
  read_text(ignored);
  read_end_tag(tag.name);
}

void XmlScanner::decode_into(std::string_view raw, std::string& out, bool normalize_space) const {
  out.reserve(out.size() + raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      const bool blank = raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r';
      out.push_back(normalize_space && blank ? ' ' : raw[i]);
      continue;
    }
    const char* at = raw.data() + i;
    constexpr std::size_t kLongestEntity = 12;  // "&#x10FFFF;" with room for leading zeros
    std::size_t semicolon = raw.find(';', i);
    if (semicolon == std::string_view::npos || semicolon - i > kLongestEntity) {
      fail(at, "'&' that starts no entity; write &amp; for an ampersand");
    }
    std::string_view entity = raw.substr(i + 1, semicolon - i - 1);
    i = semicolon;
    if (entity == "amp") {
      out.push_back('&');
    } else if (entity == "lt") {
      out.push_back('<');
    } else if (entity == "gt") {
      out.push_back('>');
    } else if (entity == "quot") {
      out.push_back('"');
    } else if (entity == "apos") {
      out.push_back('\'');
    } else if (entity.size() >= 2 && entity[0] == '#') {
      const bool hex = entity[1] == 'x';
      std::string_view digits = entity.substr(hex ? 2 : 1);
      std::uint32_t code = 0;
      auto [stop, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (digits.empty() || error != std::errc() || stop != digits.data() + digits.size() ||
          !is_xml_char(code)) {
        fail(at, fmt::format("'&{};' is not a character XML allows", entity));
      }
      append_utf8(code, out);
    } else {
      fail(at, fmt::format("unknown entity '&{};' (gretl data files use &amp; &lt; &gt; &quot; "
                           "&apos; and &#...;)",
                           shorten_for_message(entity)));
    }
  }
}

}  // namespace scidl::data::gretl
