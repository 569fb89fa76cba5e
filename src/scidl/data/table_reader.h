// The one place that reads a user's table, whatever its format: gretl data files (.gdt, also
// gzip-compressed as .gdt.gz; data/gretl_data.h) by their name, everything else as CSV
// (data/csv.h). Both return the same CsvTable and take the same column choices, so a caller
// needs no case per format (text columns of a .gdt file are its numbers written as text: a
// discrete series' codes become class labels). gretl's binary .gdtb is refused with the way
// to convert it.
#pragma once

#include <filesystem>

#include "scidl/data/csv.h"

namespace scidl::data {

CsvTable read_table(const std::filesystem::path& path, const CsvOptions& options = {});

// The first row as read_csv_first_row gives it; a .gdt file's variable names, a header.
CsvFirstRow read_table_first_row(const std::filesystem::path& path);

}  // namespace scidl::data
