// Numeric CSV tables: read_csv loads a file of numbers into one row-major array of doubles;
// write_csv writes one (atomically, shortest round-trip formatting, so a read gives back the same
// doubles bit for bit). Every cell of a selected column must be a number; non-finite values are
// accepted only when written as nan / inf / -inf (any case). Any problem throws CsvError, whose
// message names the file and the line (and column) to look at.
//
// What the reader accepts: comma- or whitespace-separated cells; an optional header row; blank
// lines and lines starting with '#' are skipped; CRLF line ends and a UTF-8 byte-order mark are
// fine; a cell may be "quoted" (commas inside quotes need the quotes). A gzip-compressed file
// (e.g. knots.csv.gz) is read as its contents. Columns of a file need not
// all be numeric: only the selected ones are parsed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace scidl::data {

class CsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class CsvHeader {
  Auto,     // the first row is a header when a cell names a column: text that is not a number
            // (a cell that starts like a number but is not one makes the row data: an error)
  Present,  // the first row names the columns
  Absent,   // every row is data
};

enum class CsvDelimiter {
  Auto,        // comma when the first row has a comma, else whitespace
  Comma,       // cells separated by one comma (spaces around a cell are ignored)
  Whitespace,  // cells separated by runs of spaces and tabs
};

// A column chosen by its header name or by its zero-based position.
using CsvColumn = std::variant<std::string, std::int64_t>;

struct CsvOptions {
  CsvHeader header = CsvHeader::Auto;
  CsvDelimiter delimiter = CsvDelimiter::Auto;
  // Columns to load, in this order; empty loads every column. Names need a header row.
  std::vector<CsvColumn> columns;
  // Columns to load as text (class labels such as "setosa"), in this order, into CsvTable::text;
  // not parsed as numbers, and not loaded as numbers unless `columns` also names them.
  std::vector<CsvColumn> text_columns = {};
};

struct CsvTable {
  // The header names of the loaded columns; without a header row, their zero-based positions in
  // the file ("0", "1", ...), as pandas names them.
  std::vector<std::string> column_names;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<double> values;  // row-major: values[row * cols + col]
  // The text columns (CsvOptions::text_columns): their names, and per column one cell per row,
  // blanks trimmed and quotes removed.
  std::vector<std::string> text_names;
  std::vector<std::vector<std::string>> text;

  double at(std::int64_t row, std::int64_t col) const { return values[row * cols + col]; }
};

CsvTable read_csv(const std::filesystem::path& path, const CsvOptions& options = {});

// The first row of a file (blank and '#' lines skipped), split into cells as names, and whether
// CsvHeader::Auto would take it for a header. For callers that know more than the file does
// (a model that knows the names of its columns) and decide themselves.
struct CsvFirstRow {
  std::vector<std::string> cells;
  bool looks_like_header = false;
};
CsvFirstRow read_csv_first_row(const std::filesystem::path& path);

// The positions of the columns `choices` picks from a file's `file_columns` columns, in the order
// asked (every column when `choices` is empty), checked as read_csv checks them: a name must name
// one column of `header` (empty when the file has none), a position must be in range, and no
// column may be picked twice. Throws CsvError naming `file`. Other table readers share it so a
// column choice means the same, and fails the same way, in every format.
std::vector<std::int64_t> choose_columns(const std::string& file, std::int64_t file_columns,
                                         const std::vector<std::string>& header,
                                         const std::vector<CsvColumn>& choices);

// Writes `rows` x `cols` row-major values with a header row of column_names (no header when
// column_names is empty; otherwise it must hold `cols` names). Replaces `path` atomically.
void write_csv(const std::filesystem::path& path, const std::vector<std::string>& column_names,
               std::int64_t rows, std::int64_t cols, const double* values);
// A text as one CSV cell that reads back as itself: quoted (inner quotes doubled) when it holds
// a comma or a quote, or starts or ends with a blank, or starts with '#'.
std::string csv_cell(const std::string& text);

// Writes a table's numeric columns and then its text columns, with a header row of their names.
void write_csv(const std::filesystem::path& path, const CsvTable& table);

}  // namespace scidl::data
