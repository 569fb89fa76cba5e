// A gretl data file is one <gretldata> root holding, in this order, an optional <description>,
// <variables>, <observations>, optional <string-tables> and optional <panel-info> (gretl's
// gretldata.dtd). The reader walks that order with the strict scanner of gretl_xml.h and keeps
// the values row-major as they come: one <obs> is one row. Attributes it has no use for (labels
// of variables, gretl's MIDAS and panel details) are skipped, so files from newer gretl versions
// that add attributes still read.
#include "scidl/data/gretl_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <optional>
#include <unordered_map>

#include "scidl/data/gretl_dates.h"
#include "scidl/data/gretl_xml.h"
#include "scidl/data/gzip.h"
#include "scidl/io/file_io.h"

namespace scidl::data {
namespace {

using gretl::shorten_for_message;
using gretl::XmlScanner;
using gretl::XmlTag;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

enum class NumberParse { Number, NotANumber, OutOfRange };

// A value as gretl writes it: a number (%.17g, so exponents), or NA.
NumberParse parse_value(std::string_view token, double& value) {
  if (token == "NA") {
    value = std::numeric_limits<double>::quiet_NaN();
    return NumberParse::Number;
  }
  // from_chars takes no leading '+'; C's strtod, which gretl reads with, does.
  if (token.size() > 1 && token[0] == '+' && token[1] != '+' && token[1] != '-') {
    token.remove_prefix(1);
  }
  const char* end = token.data() + token.size();
  auto [stop, error] = std::from_chars(token.data(), end, value);
  if (stop != end) return NumberParse::NotANumber;
  if (error == std::errc()) return NumberParse::Number;
  if (error != std::errc::result_out_of_range) return NumberParse::NotANumber;
  value = std::strtod(std::string(token).c_str(), nullptr);  // underflow: 0 or a subnormal
  return std::isinf(value) ? NumberParse::OutOfRange : NumberParse::Number;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

struct Variable {
  std::string name;
  const char* at = nullptr;  // its tag, for messages
};

// What the file holds, before it becomes a table.
struct GretlFile {
  const char* root_at = nullptr;
  std::string type;
  std::int64_t frequency = 1;
  std::string start = "1";
  std::vector<Variable> variables;
  std::int64_t observations = 0;
  std::vector<double> values;       // observations x variables, row-major
  std::vector<std::string> labels;  // one per observation when the file has labels
};

// gretldata.dtd's children of <gretldata>, in the order they must come.
constexpr std::string_view kChildren[] = {"description", "variables", "observations",
                                          "string-tables", "panel-info"};
constexpr std::string_view kDataTypes[] = {"cross-section", "time-series", "stacked-time-series",
                                           "stacked-cross-section"};

class GretlReader {
 public:
  GretlReader(std::string file, std::string_view text) : xml_(std::move(file), text) {}

  CsvTable read(const CsvOptions& options) {
    read_document();
    return to_table(options);
  }

 private:
  void read_document() {
    xml_.skip_prolog();
    XmlTag root = xml_.read_start_tag();
    if (root.name != "gretldata") {
      xml_.fail(root.at, "the document is <" + root.name +
                             ">, not <gretldata>: this is not a gretl data file");
    }
    read_root(root);
    if (!root.self_closing) read_children();
    xml_.expect_end_of_document();
    if (data_.variables.empty() || !has_observations_) {
      xml_.fail(root.at, std::string("the file has no <") +
                             (data_.variables.empty() ? "variables" : "observations") + ">");
    }
  }

  void read_root(const XmlTag& root) {
    data_.root_at = root.at;
    if (root.attribute("binary") != nullptr) {
      xml_.fail(root.at, "the values are in a separate binary file (binary=\"" +
                             shorten_for_message(*root.attribute("binary")) +
                             "\"), which this reader does not read; save the data from gretl "
                             "as a plain .gdt file");
    }
    const std::string* type = root.attribute("type");
    if (type == nullptr) xml_.fail(root.at, "<gretldata> has no type attribute");
    if (std::find(std::begin(kDataTypes), std::end(kDataTypes), *type) == std::end(kDataTypes)) {
      xml_.fail(root.at, "unknown data type '" + shorten_for_message(*type) +
                             "' (gretl writes cross-section, time-series, stacked-time-series or "
                             "stacked-cross-section)");
    }
    data_.type = *type;
    if (root.attribute("frequency") != nullptr) {
      data_.frequency = count_attribute(root, "frequency");
      if (data_.frequency < 1) xml_.fail(root.at, "frequency=\"0\": a frequency is at least 1");
    }
    if (const std::string* start = root.attribute("startobs")) data_.start = *start;
  }

  void read_children() {
    std::size_t next = 0;  // children before kChildren[next] are done
    for (;;) {
      xml_.skip_between_children("gretldata");
      if (xml_.at_end_tag()) break;
      XmlTag child = xml_.read_start_tag();
      const auto* found = std::find(std::begin(kChildren), std::end(kChildren), child.name);
      if (found == std::end(kChildren)) {
        xml_.fail(child.at, "<" + child.name +
                                "> is not part of a gretl data file (<gretldata> holds "
                                "description, variables, observations, string-tables, panel-info)");
      }
      const auto index = static_cast<std::size_t>(found - std::begin(kChildren));
      if (index < next) {
        xml_.fail(child.at,
                  "<" + child.name +
                      "> comes twice or out of order (gretl writes description, "
                      "variables, observations, string-tables, panel-info in this order)");
      }
      next = index + 1;
      if (index > 1 && data_.variables.empty()) {
        xml_.fail(child.at, "<" + child.name + "> comes before any <variables>");
      }
      if (index > 2 && !has_observations_) {
        xml_.fail(child.at, "<" + child.name + "> comes before any <observations>");
      }
      if (child.name == "variables") {
        read_variables(child);
      } else if (child.name == "observations") {
        read_observations(child);
      } else if (child.name == "string-tables") {
        read_string_tables(child);
      } else {
        xml_.skip_text_element(child);  // description, panel-info: nothing the table holds
      }
    }
    xml_.read_end_tag("gretldata");
  }

  // A non-negative whole number, as gretl writes counts and frequencies.
  std::int64_t count_attribute(const XmlTag& tag, std::string_view name) {
    const std::string* text = tag.attribute(name);
    if (text == nullptr) xml_.fail(tag.at, "<" + tag.name + "> has no " + std::string(name));
    std::int64_t value = 0;
    const char* end = text->data() + text->size();
    auto [stop, error] = std::from_chars(text->data(), end, value);
    if (text->empty() || error != std::errc() || stop != end || value < 0) {
      xml_.fail(tag.at, std::string(name) + "=\"" + shorten_for_message(*text) + "\" of <" +
                            tag.name + "> is not a whole number");
    }
    return value;
  }

  void read_variables(const XmlTag& tag) {
    const std::int64_t declared = count_attribute(tag, "count");
    while (!tag.self_closing) {
      xml_.skip_between_children("variables");
      if (xml_.at_end_tag()) break;
      XmlTag variable = xml_.read_start_tag();
      if (variable.name != "variable") {
        xml_.fail(variable.at, "<" + variable.name +
                                   "> inside <variables>, which holds only <variable> elements");
      }
      const std::string number = std::to_string(data_.variables.size() + 1);
      const std::string* name = variable.attribute("name");
      if (name == nullptr || name->empty())
        xml_.fail(variable.at, "variable " + number + " has no name");
      const std::string shown = fmt::format("'{}'", shorten_for_message(*name));
      const std::string* role = variable.attribute("role");
      if (role != nullptr && *role == "scalar") {
        xml_.fail(variable.at, "variable " + shown +
                                   " is a scalar (role=\"scalar\"), which only old gretl versions "
                                   "wrote; open and save the file with a current gretl");
      }
      auto [previous, added] = column_of_.emplace(*name, data_.variables.size());
      if (!added) {
        const char* first = data_.variables[previous->second].at;
        xml_.fail(variable.at, "variable " + shown + " is listed twice (first on line " +
                                   std::to_string(xml_.line_of(first)) + ")");
      }
      if (static_cast<std::int64_t>(data_.variables.size()) == declared) {
        xml_.fail(variable.at, "variable " + number + " (" + shown +
                                   ") is one more than <variables count=\"" +
                                   std::to_string(declared) + "\"> declares");
      }
      xml_.skip_text_element(variable);
      data_.variables.push_back({*name, variable.at});
    }
    if (!tag.self_closing) xml_.read_end_tag("variables");
    const auto listed = static_cast<std::int64_t>(data_.variables.size());
    if (listed != declared) {
      xml_.fail(tag.at, "<variables count=\"" + std::to_string(declared) + "\"> lists " +
                            std::to_string(listed) + " <variable> elements");
    }
    if (listed == 0) xml_.fail(tag.at, "the file has no variables (<variables count=\"0\">)");
  }

  void read_observations(const XmlTag& tag) {
    has_observations_ = true;
    const std::int64_t declared = count_attribute(tag, "count");
    const std::string* labels = tag.attribute("labels");
    if (labels != nullptr && *labels != "true" && *labels != "false") {
      xml_.fail(tag.at, "labels=\"" + shorten_for_message(*labels) +
                            "\" of <observations> is neither true nor false");
    }
    has_labels_ = labels != nullptr && *labels == "true";
    if (const std::string* missval = tag.attribute("missval")) {
      double value = 0;
      if (parse_value(*missval, value) != NumberParse::Number) {
        xml_.fail(tag.at, "missval=\"" + shorten_for_message(*missval) + "\" is not a number");
      }
      missing_value_ = value;
    }
    std::string storage;
    while (!tag.self_closing) {
      const std::string how_far = "after " + std::to_string(data_.observations) + " of " +
                                  std::to_string(declared) + " observations";
      xml_.skip_between_children("observations", how_far);
      if (xml_.at_end_tag()) break;
      XmlTag obs = xml_.read_start_tag();
      if (obs.name != "obs") {
        xml_.fail(obs.at,
                  "<" + obs.name + "> inside <observations>, which holds only <obs> elements");
      }
      ++data_.observations;
      if (has_labels_) {
        const std::string* label = obs.attribute("label");
        if (label == nullptr) {
          xml_.fail(obs.at, "observation " + std::to_string(data_.observations) +
                                " has no label, though <observations labels=\"true\">");
        }
        data_.labels.push_back(*label);
      }
      if (data_.observations > declared) {
        xml_.fail(obs.at, observation(data_.observations) +
                              " is one more than <observations count=\"" +
                              std::to_string(declared) + "\"> declares");
      }
      std::string_view text;
      if (!obs.self_closing) {
        text = xml_.read_text(storage);
        xml_.read_end_tag("obs");
      }
      read_values(obs, text, !text.empty() && text.data() != storage.data());
    }
    if (!tag.self_closing) xml_.read_end_tag("observations");
    if (data_.observations != declared) {
      xml_.fail(tag.at, "<observations count=\"" + std::to_string(declared) + "\"> holds " +
                            std::to_string(data_.observations) + " <obs> elements");
    }
    if (declared == 0)
      xml_.fail(tag.at, "the file has no observations (<observations count=\"0\">)");
  }

  // "observation 12" or, in a file with labels, "observation 12 ('AL')".
  std::string observation(std::int64_t number) const {
    std::string text = "observation " + std::to_string(number);
    if (has_labels_ && static_cast<std::int64_t>(data_.labels.size()) >= number) {
      text += fmt::format(" ('{}')",
                          shorten_for_message(data_.labels[static_cast<std::size_t>(number - 1)]));
    }
    return text;
  }

  // One <obs>: a value per variable, separated by whitespace. An error names the line of the
  // value when `text` lies in the file, else (entities decoded) the line of the tag.
  void read_values(const XmlTag& obs, std::string_view text, bool text_in_file) {
    const std::size_t variables = data_.variables.size();
    std::vector<double>& values = data_.values;
    const std::size_t base = values.size();
    values.resize(base + variables);
    std::size_t column = 0;
    std::size_t cursor = 0;
    for (;;) {
      while (cursor < text.size() && is_space(text[cursor])) ++cursor;
      if (cursor == text.size()) break;
      std::size_t stop = cursor;
      while (stop < text.size() && !is_space(text[stop])) ++stop;
      const std::string_view token = text.substr(cursor, stop - cursor);
      const char* token_at = text_in_file ? text.data() + cursor : obs.at;
      if (column == variables) {
        xml_.fail(token_at, observation(data_.observations) + " has more than " +
                                std::to_string(variables) + " values, one per variable ('" +
                                shorten_for_message(token) + "' is one too many)");
      }
      double& value = values[base + column];
      NumberParse parsed = parse_value(token, value);
      if (parsed != NumberParse::Number) {
        xml_.fail(token_at,
                  fmt::format("'{}' {} ({}, variable '{}'); gretl writes NA for a "
                              "missing value",
                              shorten_for_message(token),
                              parsed == NumberParse::OutOfRange ? "is out of the range of a double"
                                                                : "is not a number",
                              observation(data_.observations), data_.variables[column].name));
      }
      if (missing_value_ && value == *missing_value_)
        value = std::numeric_limits<double>::quiet_NaN();
      ++column;
      cursor = stop;
    }
    if (column < variables) {
      xml_.fail(obs.at, observation(data_.observations) + " has values for " +
                            std::to_string(column) + " of " + std::to_string(variables) +
                            " variables (none for '" + data_.variables[column].name + "')");
    }
  }

  void read_string_tables(const XmlTag& tag) {
    const std::int64_t declared = count_attribute(tag, "count");
    std::int64_t tables = 0;
    std::vector<bool> owned(data_.variables.size(), false);
    std::string storage;
    while (!tag.self_closing) {
      xml_.skip_between_children("string-tables");
      if (xml_.at_end_tag()) break;
      XmlTag table = xml_.read_start_tag();
      if (table.name != "valstrings") {
        xml_.fail(table.at, "<" + table.name +
                                "> inside <string-tables>, which holds only "
                                "<valstrings> elements");
      }
      ++tables;
      const std::string* owner = table.attribute("owner");
      if (owner == nullptr) xml_.fail(table.at, "<valstrings> has no owner");
      const auto variable = column_of_.find(*owner);
      if (variable == column_of_.end()) {
        xml_.fail(table.at, "<valstrings owner=\"" + shorten_for_message(*owner) +
                                "\"> names no variable of the file");
      }
      const std::size_t column = variable->second;
      if (owned[column]) xml_.fail(table.at, "variable '" + *owner + "' has two string tables");
      owned[column] = true;
      const std::int64_t declared_strings = count_attribute(table, "count");
      std::int64_t strings = 0;
      if (!table.self_closing) {
        strings = count_quoted_strings(table, xml_.read_text(storage));
        xml_.read_end_tag("valstrings");
      }
      if (strings != declared_strings) {
        xml_.fail(table.at, "<valstrings owner=\"" + *owner + "\" count=\"" +
                                std::to_string(declared_strings) + "\"> holds " +
                                std::to_string(strings) + " strings");
      }
      check_codes(table, column, strings);
    }
    if (!tag.self_closing) xml_.read_end_tag("string-tables");
    if (tables != declared) {
      xml_.fail(tag.at, "<string-tables count=\"" + std::to_string(declared) + "\"> holds " +
                            std::to_string(tables) + " <valstrings> elements");
    }
  }

  // gretl writes a string table as "one" "two" ...: each string in double quotes.
  std::int64_t count_quoted_strings(const XmlTag& table, std::string_view text) {
    std::int64_t strings = 0;
    std::size_t cursor = 0;
    for (;;) {
      while (cursor < text.size() && is_space(text[cursor])) ++cursor;
      if (cursor == text.size()) return strings;
      if (text[cursor] != '"') {
        xml_.fail(table.at, "the strings of <valstrings> must each be in double quotes, found '" +
                                shorten_for_message(text.substr(cursor)) + "'");
      }
      // A string ends at a quote followed by whitespace or the end, so it may hold quotes.
      std::size_t close = cursor + 1;
      while (close < text.size() &&
             !(text[close] == '"' && (close + 1 == text.size() || is_space(text[close + 1])))) {
        ++close;
      }
      if (close == text.size())
        xml_.fail(table.at, "a string of <valstrings> has no closing quote");
      ++strings;
      cursor = close + 1;
    }
  }

  // A string-valued series holds 1-based codes into its table.
  void check_codes(const XmlTag& table, std::size_t column, std::int64_t strings) {
    const std::size_t variables = data_.variables.size();
    for (std::int64_t row = 0; row < data_.observations; ++row) {
      const double code = data_.values[static_cast<std::size_t>(row) * variables + column];
      if (std::isnan(code) ||
          (code >= 1 && code <= static_cast<double>(strings) && code == std::floor(code)))
        continue;
      char shown[32];
      auto [end, error] = std::to_chars(shown, shown + sizeof shown, code);
      xml_.fail(table.at, observation(row + 1) + " of the string-valued variable '" +
                              data_.variables[column].name + "' holds " + std::string(shown, end) +
                              ", not a code from 1 to " + std::to_string(strings) +
                              " into its string table");
    }
  }

  // The file's variables, then its date parts, as the table's columns.
  CsvTable to_table(const CsvOptions& options) const {
    std::vector<std::string> names;
    for (const Variable& variable : data_.variables) names.push_back(variable.name);
    std::vector<gretl::DatePart> parts;
    if (data_.type == "time-series") {
      try {
        parts = gretl::date_parts(data_.frequency, data_.start, data_.observations, data_.labels);
      } catch (const CsvError& error) {
        xml_.fail(data_.root_at, std::string("startobs: ") + error.what());
      }
    }
    std::erase_if(parts, [&](const gretl::DatePart& part) {
      return std::any_of(names.begin(), names.end(), [&](const std::string& name) {
        return same_ignoring_case(name, part.name);
      });
    });
    for (const gretl::DatePart& part : parts) names.push_back(part.name);

    const std::vector<std::int64_t> chosen = choose_columns(
        xml_.file(), static_cast<std::int64_t>(names.size()), names, options.columns);
    CsvTable table;
    table.rows = data_.observations;
    table.cols = static_cast<std::int64_t>(chosen.size());
    for (std::int64_t column : chosen)
      table.column_names.push_back(names[static_cast<std::size_t>(column)]);
    const auto variables = static_cast<std::int64_t>(data_.variables.size());
    table.values.reserve(static_cast<std::size_t>(table.rows * table.cols));
    for (std::int64_t row = 0; row < table.rows; ++row) {
      for (std::int64_t column : chosen) {
        table.values.push_back(
            column < variables ? data_.values[static_cast<std::size_t>(row * variables + column)]
                               : parts[static_cast<std::size_t>(column - variables)]
                                     .values[static_cast<std::size_t>(row)]);
      }
    }
    return table;
  }

  XmlScanner xml_;
  GretlFile data_;
  std::unordered_map<std::string, std::size_t> column_of_;  // each variable's position
  bool has_observations_ = false;
  bool has_labels_ = false;
  std::optional<double> missing_value_;
};

std::vector<char> read_contents(const std::filesystem::path& path) {
  try {
    std::vector<char> bytes = io::read_file_bytes(path);
    return is_gzip(bytes) ? gunzip(bytes, path.string()) : bytes;
  } catch (const io::FileError& error) {
    throw CsvError(error.what());
  } catch (const std::runtime_error& error) {
    throw CsvError(error.what());
  }
}

}  // namespace

CsvTable read_gretl_data(const std::filesystem::path& path, const CsvOptions& options) {
  const std::vector<char> text = read_contents(path);
  return parse_gretl_data({text.data(), text.size()}, path.string(), options);
}

CsvTable parse_gretl_data(std::string_view xml, const std::string& file,
                          const CsvOptions& options) {
  return GretlReader(file, xml).read(options);
}

}  // namespace scidl::data
