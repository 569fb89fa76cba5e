// gretl's native data files (.gdt): the XML tables gretl writes, gzip-compressed or plain, as
// Debian's gretl-data ships them (/usr/share/gretl/data: bikesharing, mroz87, grunfeld, ...).
// read_gretl_data returns the table read_csv returns, so whatever reads a CSV reads these too.
//
// The columns: the file's variables in the file's order, then, for a time series with a
// calendar, its dates as numbers (gretl_dates.h: year; year, quarter; year, month; or year, month,
// day, weekday with 0 = Sunday for daily data, as gretl's weekday() and the bike-sharing source
// count). The dates come as numbers because the table is numeric and a model takes the month or
// the weekday as a feature; they come last so a variable's position is the one gretl lists. A
// date part is left out where the file has a variable of that name (ignoring case): annual files
// often carry their own year. Panels and cross-sections get no date columns.
//
// Values: NA (or the observations' missval) reads as NaN. A string-valued series (gretl's
// string-tables) reads as the 1-based codes gretl stores, each checked against its table.
// Observation labels (countries, dates) are not columns; a daily series labelled by its dates
// (trading days, which skip holidays) takes its calendar from them.
//
// options.columns picks and orders columns by name or position exactly as read_csv does (the
// same errors); header and delimiter do not apply. Anything malformed (a truncated file, counts
// that disagree with what is listed, an observation with too many or too few values, text that
// is not a number, elements gretl does not write) throws one CsvError naming the file, the line
// and the variable or observation. gretl's binary forms are refused: values kept in a separate
// file (binary="...") here, the zipped .gdtb by read_table (table_reader.h).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "scidl/data/csv.h"

namespace scidl::data {

CsvTable read_gretl_data(const std::filesystem::path& path, const CsvOptions& options = {});

// The same for a file's XML already in memory (not compressed); `file` names it in errors.
CsvTable parse_gretl_data(std::string_view xml, const std::string& file,
                          const CsvOptions& options = {});

}  // namespace scidl::data
