// read_table: one call reads a user's table whatever its format, chosen by the file's name.
#include "scidl/data/table_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../test_util.h"

namespace scidl::data {
namespace {

const std::string kGretlTable = R"(<?xml version="1.0"?>
<gretldata name="t" frequency="1" startobs="1" endobs="2" type="cross-section">
<variables count="2"><variable name="a"/><variable name="b"/></variables>
<observations count="2" labels="false"><obs>1 2</obs><obs>3 4</obs></observations>
</gretldata>
)";

TEST(TableReader, GretlFilesByTheirNameEverythingElseAsCsv) {
  scidl::testing::TempDir directory("table_reader");
  scidl::testing::write_text(directory.path / "t.gdt", kGretlTable);
  scidl::testing::write_text(directory.path / "T.GDT", kGretlTable);
  scidl::testing::write_text(directory.path / "t.gdt.gz", kGretlTable);  // gzip is optional
  scidl::testing::write_text(directory.path / "t.csv", "a,b\n1,2\n3,4\n");
  CsvOptions options;
  options.columns = {std::string("b")};
  for (const char* name : {"t.gdt", "T.GDT", "t.gdt.gz", "t.csv"}) {
    const CsvTable table = read_table(directory.path / name, options);
    EXPECT_EQ(table.column_names, std::vector<std::string>{"b"}) << name;
    EXPECT_EQ(table.values, (std::vector<double>{2, 4})) << name;
  }
  // A gretl file named as a CSV is not guessed at: the CSV reader says what it found.
  scidl::testing::write_text(directory.path / "gretl.csv", kGretlTable);
  EXPECT_THROW(read_table(directory.path / "gretl.csv"), CsvError);
}

TEST(TableReader, GretlBinaryFilesAreRefusedWithTheWayToConvertThem) {
  scidl::testing::TempDir directory("table_reader_gdtb");
  scidl::testing::write_text(directory.path / "t.gdtb", "PK");
  try {
    read_table(directory.path / "t.gdtb");
    FAIL() << "a .gdtb file read";
  } catch (const CsvError& error) {
    EXPECT_NE(std::string(error.what()).find("store the data from gretl as a .gdt file"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace scidl::data
