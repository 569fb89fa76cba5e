// The XML that gretl writes its data files in (data/gretl_data.h), scanned strictly and without
// a general XML parser: elements with attributes in single or double quotes, character data with
// the five named entities and numeric character references, comments, processing instructions and
// one DOCTYPE before the root (no internal subset). CDATA sections, other entities, markup inside
// character data and anything else that is not well-formed throw CsvError("FILE:LINE: ..."). The
// scanner holds no recursion and every step consumes input, so no input can hang or overflow it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scidl::data::gretl {

struct XmlTag {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // entities decoded
  bool self_closing = false;                                    // <name ... />
  const char* at = nullptr;                                     // its '<', for line numbers

  // The attribute's value, or nullptr when the tag has none of that name.
  const std::string* attribute(std::string_view name) const;
};

class XmlScanner {
 public:
  // `text` must outlive the scanner; `file` names it in every error.
  XmlScanner(std::string file, std::string_view text);

  // Skips the XML declaration, comments, processing instructions and a DOCTYPE: what may come
  // before the root element.
  void skip_prolog();
  // Skips whitespace and comments between the children of `parent`; text there, or the end of
  // the file, is an error naming `parent` (and, at the end of the file, `how_far`: "after 3 of
  // 10 observations").
  void skip_between_children(std::string_view parent, std::string_view how_far = {});
  // After the root's end tag only whitespace, comments and processing instructions may follow.
  void expect_end_of_document();

  bool at_end_tag() const;
  XmlTag read_start_tag();
  void read_end_tag(std::string_view name);
  // The character data up to the next '<' (or the end of the file), entities decoded; the view
  // points into the file or, when it held an entity, into `storage`.
  std::string_view read_text(std::string& storage);
  // The rest of an element that may hold only text (ignored) up to and including its end tag.
  void skip_text_element(const XmlTag& tag);

  const char* position() const { return cursor_; }
  const std::string& file() const { return file_; }
  std::int64_t line_of(const char* at) const;
  // Throws CsvError("FILE:LINE: message") for the line holding `at`.
  [[noreturn]] void fail(const char* at, const std::string& message) const;

 private:
  bool starts_with(std::string_view prefix) const;
  void skip_space();
  void skip_past(std::string_view terminator, std::string_view what);
  void skip_doctype();
  std::string read_name(std::string_view what);
  std::string read_attribute_value();
  void check_unique_attributes(const XmlTag& tag) const;
  // Appends `raw` to `out` with its entities decoded; `raw` lies inside the file. In attribute
  // values (`normalize_space`) a literal tab or line break reads as a space, as XML says.
  void decode_into(std::string_view raw, std::string& out, bool normalize_space) const;

  std::string file_;
  const char* begin_;
  const char* cursor_;
  const char* end_;
};

// Text shortened for an error message, its control characters shown as '?'.
std::string shorten_for_message(std::string_view text);

}  // namespace scidl::data::gretl
