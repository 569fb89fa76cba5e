// The reader makes one pass over the whole file in memory: rows are found with memchr and cells
// are parsed in place with std::from_chars, so ten million numbers load in about a second. The
// header, auto-detection and error messages take a slower path that splits lines into strings.
#include "scidl/data/csv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string_view>

#include "scidl/data/gzip.h"
#include "scidl/io/file_io.h"

namespace scidl::data {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

enum class CellParse { Number, Empty, NotANumber, OutOfRange };

// Parses one cell (surrounding blanks and a pair of double quotes allowed) as a double.
CellParse parse_cell(std::string_view cell, double& value) {
  cell = trim_blanks(cell);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
    cell = trim_blanks(cell.substr(1, cell.size() - 2));
  }
  if (cell.empty()) return CellParse::Empty;
  // from_chars takes no leading '+', which other writers sometimes emit.
  if (cell.size() > 1 && cell[0] == '+' && cell[1] != '+' && cell[1] != '-') cell.remove_prefix(1);
  const char* end = cell.data() + cell.size();
  auto [stop, error] = std::from_chars(cell.data(), end, value);
  if (stop != end) return CellParse::NotANumber;
  if (error == std::errc()) return CellParse::Number;
  if (error != std::errc::result_out_of_range) return CellParse::NotANumber;
  // Out of range: overflow is an error, underflow gives the nearest double (0 or subnormal).
  std::string copy(cell);
  value = std::strtod(copy.c_str(), nullptr);
  return std::isinf(value) ? CellParse::OutOfRange : CellParse::Number;
}

// Where the cell starting at `cursor` ends: at the next delimiter, or `end`. Commas inside a
// quoted cell do not end it.
const char* find_cell_end(const char* cursor, const char* end, CsvDelimiter delimiter) {
  if (delimiter == CsvDelimiter::Whitespace) {
    while (cursor != end && !is_blank(*cursor)) ++cursor;
    return cursor;
  }
  const char* first = cursor;
  while (first != end && is_blank(*first)) ++first;
  if (first != end && *first == '"') {
    const char* closing = first + 1;
    while (closing != end && *closing != '"') ++closing;
    cursor = closing == end ? end : closing + 1;
  }
  const void* comma = std::memchr(cursor, ',', static_cast<std::size_t>(end - cursor));
  return comma != nullptr ? static_cast<const char*>(comma) : end;
}

// The common case, parsed without first looking for the cell's end: an unquoted number followed
// by the delimiter or the end of the line. Returns where the cell ends, or nullptr when the slow
// path (find_cell_end, then parse_cell) must decide.
const char* parse_plain_cell(const char* cursor, const char* end, CsvDelimiter delimiter,
                             double& value) {
  if (delimiter == CsvDelimiter::Comma) {
    while (cursor != end && is_blank(*cursor)) ++cursor;
  }
  auto [stop, error] = std::from_chars(cursor, end, value);
  if (error != std::errc()) return nullptr;
  if (delimiter == CsvDelimiter::Whitespace) return stop == end || is_blank(*stop) ? stop : nullptr;
  while (stop != end && is_blank(*stop)) ++stop;
  return stop == end || *stop == ',' ? stop : nullptr;
}

// Splits a whole line into cells: the slow path, for the header and for error messages.
std::vector<std::string_view> split_cells(std::string_view line, CsvDelimiter delimiter) {
  std::vector<std::string_view> cells;
  const char* cursor = line.data();
  const char* end = line.data() + line.size();
  if (delimiter == CsvDelimiter::Whitespace) {
    while (cursor != end && is_blank(*cursor)) ++cursor;
    if (cursor == end) return cells;
  }
  for (;;) {
    const char* cell_end = find_cell_end(cursor, end, delimiter);
    cells.emplace_back(cursor, static_cast<std::size_t>(cell_end - cursor));
    if (cell_end == end) break;
    cursor = cell_end + 1;
    if (delimiter == CsvDelimiter::Whitespace) {
      while (cursor != end && is_blank(*cursor)) ++cursor;
      if (cursor == end) break;
    }
  }
  return cells;
}

// A header cell's name: blanks trimmed, quotes removed ("" inside quotes is one quote).
std::string header_name(std::string_view cell) {
  cell = trim_blanks(cell);
  if (cell.size() < 2 || cell.front() != '"' || cell.back() != '"') return std::string(cell);
  std::string name;
  cell = cell.substr(1, cell.size() - 2);
  for (std::size_t i = 0; i < cell.size(); ++i) {
    name.push_back(cell[i]);
    if (cell[i] == '"' && i + 1 < cell.size() && cell[i + 1] == '"') ++i;
  }
  return name;
}

std::string shorten(std::string_view text) {
  constexpr std::size_t kLongest = 40;
  if (text.size() <= kLongest) return std::string(text);
  return std::string(text.substr(0, kLongest)) + "...";
}

struct Line {
  std::string_view text;
  std::int64_t number = 0;  // 1-based
};

// Walks the buffer line by line, skipping blank lines and '#' comments.
class LineCursor {
 public:
  LineCursor(const char* begin, const char* end) : cursor_(begin), end_(end) {
    if (end_ - cursor_ >= 3 && std::memcmp(cursor_, "\xEF\xBB\xBF", 3) == 0) cursor_ += 3;
  }

  bool next(Line& line) {
    while (cursor_ != end_) {
      const void* newline = std::memchr(cursor_, '\n', static_cast<std::size_t>(end_ - cursor_));
      const char* line_end = newline != nullptr ? static_cast<const char*>(newline) : end_;
      const char* start = cursor_;
      cursor_ = newline != nullptr ? line_end + 1 : end_;
      ++number_;
      const char* text_end = line_end;
      if (text_end != start && text_end[-1] == '\r') --text_end;
      const char* first = start;
      while (first != text_end && is_blank(*first)) ++first;
      if (first == text_end || *first == '#') continue;
      line.text = std::string_view(start, static_cast<std::size_t>(text_end - start));
      line.number = number_;
      return true;
    }
    return false;
  }

 private:
  const char* cursor_;
  const char* end_;
  std::int64_t number_ = 0;
};

class CsvReader {
 public:
  // `head_only`: only as many bytes as the first line needs (a gzip file is read whole).
  CsvReader(const std::filesystem::path& path, const CsvOptions& options, bool head_only = false)
      : file_(path.string()), options_(options) {
    try {
      bytes_ = head_only ? read_head(path) : io::read_file_bytes(path);
      if (is_gzip(bytes_)) bytes_ = gunzip(head_only ? io::read_file_bytes(path) : bytes_, file_);
    } catch (const io::FileError& error) {
      throw CsvError(error.what());
    } catch (const std::runtime_error& error) {
      throw CsvError(error.what());
    }
  }

  CsvTable read() {
    LineCursor lines(bytes_.data(), bytes_.data() + bytes_.size());
    Line first;
    if (!lines.next(first)) throw CsvError(file_ + ": no data rows (the file is empty)");
    delimiter_ = options_.delimiter;
    if (delimiter_ == CsvDelimiter::Auto) {
      bool has_comma = first.text.find(',') != std::string_view::npos;
      delimiter_ = has_comma ? CsvDelimiter::Comma : CsvDelimiter::Whitespace;
    }
    std::vector<std::string_view> first_cells = split_cells(first.text, delimiter_);
    file_columns_ = static_cast<std::int64_t>(first_cells.size());
    first_line_ = first.number;
    has_header_ = options_.header == CsvHeader::Present ||
                  (options_.header == CsvHeader::Auto && looks_like_header(first_cells));
    if (has_header_) {
      for (std::string_view cell : first_cells) header_.push_back(header_name(cell));
    }
    choose_columns();

    CsvTable table;
    table.cols = static_cast<std::int64_t>(chosen_.size());
    for (std::int64_t column : chosen_) table.column_names.push_back(column_name(column));
    for (std::int64_t column : text_chosen_) table.text_names.push_back(column_name(column));
    text_.assign(text_chosen_.size(), {});
    std::size_t row_bound =
        static_cast<std::size_t>(std::count(bytes_.begin(), bytes_.end(), '\n') + 1);
    table.values.reserve(row_bound * chosen_.size());
    if (!has_header_) parse_row(first, table.values);
    Line line;
    while (lines.next(line)) parse_row(line, table.values);
    table.rows = rows_;
    table.text = std::move(text_);
    if (rows_ == 0) {
      throw CsvError(file_ + ": no data rows (only a header on line " +
                     std::to_string(first_line_) + ")");
    }
    return table;
  }

  // The file's start, in blocks, up to the end of its first line that is neither blank nor a
  // comment (or the whole file).
  static std::vector<char> read_head(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return io::read_file_bytes(path);  // its error names the file and the reason
    std::vector<char> bytes;
    constexpr std::size_t kBlock = 1 << 16;
    for (;;) {
      const std::size_t had = bytes.size();
      bytes.resize(had + kBlock);
      in.read(bytes.data() + had, kBlock);
      bytes.resize(had + static_cast<std::size_t>(in.gcount()));
      if (!in || is_gzip(bytes)) return bytes;
      LineCursor lines(bytes.data(), bytes.data() + bytes.size());
      Line first;
      if (lines.next(first) && first.text.data() + first.text.size() < bytes.data() + bytes.size())
        return bytes;  // the line ends before the data read so far does
    }
  }

  CsvFirstRow first_row() {
    LineCursor lines(bytes_.data(), bytes_.data() + bytes_.size());
    Line first;
    if (!lines.next(first)) throw CsvError(file_ + ": no data rows (the file is empty)");
    const bool has_comma = first.text.find(',') != std::string_view::npos;
    const auto cells =
        split_cells(first.text, has_comma ? CsvDelimiter::Comma : CsvDelimiter::Whitespace);
    CsvFirstRow row;
    for (std::string_view cell : cells) row.cells.push_back(header_name(cell));
    row.looks_like_header = looks_like_header(cells);
    return row;
  }

 private:
  // A first row is a header when it names a column: a cell that is text, not a number, not
  // empty, and not a number with a typo (it starts like one: a digit, sign or point). A row of
  // numbers with a mistyped or empty cell is data, so its error names the cell rather than the
  // row silently becoming the column names.
  static bool looks_like_header(const std::vector<std::string_view>& cells) {
    bool names_a_column = false;
    for (std::string_view cell : cells) {
      double ignored = 0;
      if (parse_cell(cell, ignored) != CellParse::NotANumber) continue;
      std::string_view text = trim_blanks(cell);
      if (!text.empty() && text.front() == '"') {  // quoted: a name
        names_a_column = true;
        continue;
      }
      if (!text.empty() && (std::isdigit(static_cast<unsigned char>(text.front())) ||
                            text.front() == '-' || text.front() == '+' || text.front() == '.'))
        return false;
      names_a_column = true;
    }
    return names_a_column;
  }

  void choose_columns() {
    text_of_.assign(static_cast<std::size_t>(file_columns_), -1);
    if (!options_.text_columns.empty())
      text_chosen_ = data::choose_columns(file_, file_columns_, header_, options_.text_columns);
    for (std::size_t t = 0; t < text_chosen_.size(); ++t)
      text_of_[static_cast<std::size_t>(text_chosen_[t])] = static_cast<int>(t);
    if (options_.columns.empty()) {  // every column that is not read as text
      for (std::int64_t column = 0; column < file_columns_; ++column)
        if (text_of_[static_cast<std::size_t>(column)] < 0) chosen_.push_back(column);
    } else {
      chosen_ = data::choose_columns(file_, file_columns_, header_, options_.columns);
    }
    target_of_.assign(static_cast<std::size_t>(file_columns_), -1);
    for (std::size_t target = 0; target < chosen_.size(); ++target)
      target_of_[static_cast<std::size_t>(chosen_[target])] = static_cast<int>(target);
  }

  std::string column_name(std::int64_t column) const {
    return has_header_ ? header_[static_cast<std::size_t>(column)] : std::to_string(column);
  }

  std::string column_label(std::int64_t column) const {
    if (has_header_) return "column '" + column_name(column) + "'";
    return "column " + std::to_string(column) + ", numbered from 0";
  }

  // The hot loop: parses one data line, appending its chosen cells to `values`.
  void parse_row(const Line& line, std::vector<double>& values) {
    std::size_t base = values.size();
    values.resize(base + chosen_.size());
    double* row = values.data() + base;
    const char* cursor = line.text.data();
    const char* end = cursor + line.text.size();
    if (delimiter_ == CsvDelimiter::Whitespace) {
      while (cursor != end && is_blank(*cursor)) ++cursor;
    }
    std::int64_t column = 0;
    for (;;) {
      int target = column < file_columns_ ? target_of_[static_cast<std::size_t>(column)] : -1;
      const char* cell_end =
          target >= 0 ? parse_plain_cell(cursor, end, delimiter_, row[target]) : nullptr;
      if (cell_end == nullptr) {
        cell_end = find_cell_end(cursor, end, delimiter_);
        if (target >= 0) {
          std::string_view cell(cursor, static_cast<std::size_t>(cell_end - cursor));
          CellParse result = parse_cell(cell, row[target]);
          if (result != CellParse::Number) report_bad_cell(line, cell, column, result);
        }
      }
      if (!text_chosen_.empty() && column < file_columns_) {
        if (int t = text_of_[static_cast<std::size_t>(column)]; t >= 0)
          text_[static_cast<std::size_t>(t)].push_back(
              header_name(std::string_view(cursor, static_cast<std::size_t>(cell_end - cursor))));
      }
      ++column;
      if (cell_end == end) break;
      cursor = cell_end + 1;
      if (delimiter_ == CsvDelimiter::Whitespace) {
        while (cursor != end && is_blank(*cursor)) ++cursor;
        if (cursor == end) break;
      }
    }
    if (column != file_columns_) {
      throw CsvError(file_ + ":" + std::to_string(line.number) + ": expected " +
                     std::to_string(file_columns_) + " columns (as on line " +
                     std::to_string(first_line_) + "), found " + std::to_string(column));
    }
    ++rows_;
  }

  [[noreturn]] void report_bad_cell(const Line& line, std::string_view cell, std::int64_t column,
                                    CellParse result) const {
    std::string_view text = trim_blanks(cell);
    std::size_t offset =
        static_cast<std::size_t>((text.empty() ? cell.data() : text.data()) - line.text.data());
    std::string where =
        file_ + ":" + std::to_string(line.number) + ":" + std::to_string(offset + 1) + ": ";
    if (result == CellParse::Empty) {
      throw CsvError(where + "empty cell (" + column_label(column) +
                     "); missing values are not supported, write nan if that is meant");
    }
    if (result == CellParse::OutOfRange) {
      throw CsvError(where + "'" + shorten(text) + "' is out of the range of a double (" +
                     column_label(column) + ")");
    }
    throw CsvError(where + "cannot parse '" + shorten(text) + "' as a number (" +
                   column_label(column) + ")");
  }

  std::string file_;
  const CsvOptions& options_;
  std::vector<char> bytes_;
  CsvDelimiter delimiter_ = CsvDelimiter::Comma;
  bool has_header_ = false;
  std::vector<std::string> header_;
  std::int64_t file_columns_ = 0;
  std::int64_t first_line_ = 1;
  std::vector<std::int64_t> chosen_;            // file column of each table column
  std::vector<int> target_of_;                  // table column of each file column, or -1
  std::vector<std::int64_t> text_chosen_;       // file column of each text column
  std::vector<int> text_of_;                    // text column of each file column, or -1
  std::vector<std::vector<std::string>> text_;  // per text column, its cells
  std::int64_t rows_ = 0;
};

// A header name as a CSV cell (csv_cell), refused when it holds a line break.
std::string header_cell(const std::string& name, const std::filesystem::path& path) {
  if (name.find_first_of("\r\n") != std::string::npos) {
    throw CsvError("write_csv '" + path.string() + "': column name '" + name +
                   "' holds a line break");
  }
  return csv_cell(name);
}

}  // namespace

std::string csv_cell(const std::string& name) {
  bool needs_quotes =
      name.find_first_of(",\"") != std::string::npos ||
      (!name.empty() && (is_blank(name.front()) || is_blank(name.back()) || name.front() == '#'));
  if (!needs_quotes) return name;
  std::string cell = "\"";
  for (char c : name) {
    cell.push_back(c);
    if (c == '"') cell.push_back('"');
  }
  return cell + "\"";
}

CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options) {
  return CsvReader(path, options).read();
}

CsvFirstRow read_csv_first_row(const std::filesystem::path& path) {
  return CsvReader(path, CsvOptions{}, true).first_row();
}

void write_csv(const std::filesystem::path& path, const CsvTable& table) {
  if (table.text.empty()) {
    write_csv(path, table.column_names, table.rows, table.cols, table.values.data());
    return;
  }
  if (table.text.size() != table.text_names.size())
    throw CsvError("write_csv '" + path.string() + "': " + std::to_string(table.text_names.size()) +
                   " names for " + std::to_string(table.text.size()) + " text columns");
  for (const auto& column : table.text)
    if (static_cast<std::int64_t>(column.size()) != table.rows)
      throw CsvError("write_csv '" + path.string() + "': a text column of " +
                     std::to_string(column.size()) + " cells in a table of " +
                     std::to_string(table.rows) + " rows");
  std::string text;
  auto names = table.column_names;
  names.insert(names.end(), table.text_names.begin(), table.text_names.end());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text.push_back(',');
    text += header_cell(names[i], path);
  }
  text.push_back('\n');
  char number[64];
  for (std::int64_t row = 0; row < table.rows; ++row) {
    for (std::int64_t col = 0; col < table.cols; ++col) {
      if (col > 0) text.push_back(',');
      auto [stop, error] = std::to_chars(number, number + sizeof number, table.at(row, col));
      text.append(number, stop);
    }
    for (std::size_t t = 0; t < table.text.size(); ++t) {
      if (table.cols > 0 || t > 0) text.push_back(',');
      text += header_cell(table.text[t][static_cast<std::size_t>(row)], path);
    }
    text.push_back('\n');
  }
  try {
    io::AtomicFileWriter writer(path);
    writer.write(text);
    writer.commit();
  } catch (const io::FileError& error) {
    throw CsvError(error.what());
  }
}

std::vector<std::int64_t> choose_columns(const std::string& file, std::int64_t file_columns,
                                         const std::vector<std::string>& header,
                                         const std::vector<CsvColumn>& choices) {
  std::vector<std::int64_t> chosen;
  std::vector<bool> taken(static_cast<std::size_t>(file_columns), false);
  auto add = [&](std::int64_t column, const std::string& label) {
    if (taken[static_cast<std::size_t>(column)])
      throw CsvError(file + ": column " + label + " is chosen twice");
    taken[static_cast<std::size_t>(column)] = true;
    chosen.push_back(column);
  };
  if (choices.empty()) {
    for (std::int64_t column = 0; column < file_columns; ++column) chosen.push_back(column);
    return chosen;
  }
  for (const CsvColumn& choice : choices) {
    if (const auto* index = std::get_if<std::int64_t>(&choice)) {
      if (*index < 0 || *index >= file_columns) {
        throw CsvError(file + ": column " + std::to_string(*index) +
                       " is out of range (the file has " + std::to_string(file_columns) +
                       " columns, numbered from 0)");
      }
      add(*index, std::to_string(*index));
      continue;
    }
    const std::string& name = std::get<std::string>(choice);
    if (header.empty()) {
      throw CsvError(file + ": column '" + name +
                     "' is chosen by name, but the file has no header row; choose it by "
                     "position, or set the header option to Present");
    }
    auto found = std::find(header.begin(), header.end(), name);
    if (found == header.end()) {
      std::string known;
      for (const std::string& column : header) known += (known.empty() ? "" : ", ") + column;
      throw CsvError(file + ": no column named '" + name + "' (columns: " + known + ")");
    }
    if (std::find(found + 1, header.end(), name) != header.end()) {
      throw CsvError(file + ": more than one column is named '" + name +
                     "'; choose it by position");
    }
    add(found - header.begin(), "'" + name + "'");
  }
  return chosen;
}

void write_csv(const std::filesystem::path& path, const std::vector<std::string>& column_names,
               std::int64_t rows, std::int64_t cols, const double* values) {
  if (rows < 0 || cols < 0 || (rows * cols > 0 && values == nullptr)) {
    throw CsvError("write_csv '" + path.string() + "': no values for a " + std::to_string(rows) +
                   " x " + std::to_string(cols) + " table");
  }
  if (!column_names.empty() && static_cast<std::int64_t>(column_names.size()) != cols) {
    throw CsvError("write_csv '" + path.string() + "': " + std::to_string(column_names.size()) +
                   " column names for " + std::to_string(cols) + " columns");
  }
  std::string text;
  for (std::size_t i = 0; i < column_names.size(); ++i) {
    if (i > 0) text.push_back(',');
    text += header_cell(column_names[i], path);
  }
  if (!column_names.empty()) text.push_back('\n');

  try {
    io::AtomicFileWriter writer(path);
    constexpr std::size_t kFlushAt = 1 << 20;
    char number[64];
    for (std::int64_t row = 0; row < rows; ++row) {
      for (std::int64_t col = 0; col < cols; ++col) {
        if (col > 0) text.push_back(',');
        // Shortest text that reads back as the same double.
        auto [stop, error] =
            std::to_chars(number, number + sizeof number, values[row * cols + col]);
        text.append(number, stop);
      }
      text.push_back('\n');
      if (text.size() >= kFlushAt) {
        writer.write(text);
        text.clear();
      }
    }
    writer.write(text);
    writer.commit();
  } catch (const io::FileError& error) {
    throw CsvError(error.what());
  }
}

}  // namespace scidl::data
