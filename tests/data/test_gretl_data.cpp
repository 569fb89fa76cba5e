// gretl data files (.gdt): the tables Debian's gretl-data ships read as the CSV reader's tables,
// with a time series' calendar as numeric columns, and every malformed file is refused with the
// file and line to look at.
#include "scidl/data/gretl_data.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "../test_util.h"

namespace scidl::data {
namespace {

namespace fs = std::filesystem;

const fs::path kGretlData = "/usr/share/gretl/data";
constexpr const char* kInstall = "Debian's gretl-data is not installed (scripts/setup.sh)";

// A small cross-section: every line of it matters to the line numbers the errors name.
const std::string kTiny = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE gretldata SYSTEM "gretldata.dtd">
<gretldata version="1.4" name="tiny" frequency="1" startobs="1" endobs="3" type="cross-section">
<description>Two variables &amp; three observations</description>
<variables count="2">
<variable name="x"
 label="the input"
/>
<variable name="y" discrete="true"/>
</variables>
<observations count="3" labels="false">
<obs>1 0.5 </obs>
<obs>-2e3 NA </obs>
<obs>+3 1 </obs>
</observations>
</gretldata>
)";

// A time series of `frequency` from `start` with one variable "v" holding 1, 2, ...
std::string series(const std::string& frequency, const std::string& start, int observations,
                   const std::string& variable = "v") {
  std::string text = "<gretldata frequency=\"" + frequency + "\" startobs=\"" + start +
                     "\" type=\"time-series\">\n<variables count=\"1\">\n<variable name=\"" +
                     variable + "\"/>\n</variables>\n<observations count=\"" +
                     std::to_string(observations) + "\" labels=\"false\">\n";
  for (int t = 1; t <= observations; ++t) text += "<obs>" + std::to_string(t) + " </obs>\n";
  return text + "</observations>\n</gretldata>\n";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

void write_gzip(const fs::path& path, const std::string& text) {
  gzFile file = gzopen(path.c_str(), "wb9");
  ASSERT_NE(file, nullptr);
  gzwrite(file, text.data(), static_cast<unsigned>(text.size()));
  gzclose(file);
}

std::vector<double> column(const CsvTable& table, const std::string& name) {
  std::vector<double> values;
  for (std::int64_t c = 0; c < table.cols; ++c) {
    if (table.column_names[static_cast<std::size_t>(c)] != name) continue;
    for (std::int64_t r = 0; r < table.rows; ++r) values.push_back(table.at(r, c));
  }
  return values;
}

class GretlDataTest : public ::testing::Test {
 protected:
  fs::path file_with(const std::string& text, const std::string& name = "x.gdt") const {
    const fs::path file = directory_.path / name;
    scidl::testing::write_text(file, text);
    return file;
  }

  // The message read_gretl_data throws for `text`, the folder left out ("x.gdt:12: ...").
  std::string error_reading(const std::string& text, const CsvOptions& options = {}) const {
    const fs::path file = file_with(text);
    try {
      read_gretl_data(file, options);
    } catch (const CsvError& error) {
      std::string message = error.what();
      const std::string full = file.string();
      if (message.rfind(full, 0) == 0) message = "x.gdt" + message.substr(full.size());
      return message;
    }
    ADD_FAILURE() << "expected a CsvError";
    return "";
  }

  scidl::testing::TempDir directory_{"gretl_data"};
};

TEST_F(GretlDataTest, BikeSharingReadsWithItsDaysAsNumbers) {
  const fs::path file = kGretlData / "misc" / "bikesharing.gdt";
  if (!fs::exists(file)) GTEST_SKIP() << kInstall;
  const CsvTable table = read_gretl_data(file);
  EXPECT_EQ(table.column_names,
            (std::vector<std::string>{"season", "holiday", "workingday", "weathersit", "temp",
                                      "atemp", "hum", "windspeed", "casual", "registered", "cnt",
                                      "year", "month", "day", "weekday"}));
  ASSERT_EQ(table.rows, 731);
  ASSERT_EQ(table.cols, 15);
  // The file's first <obs>, then 2011-01-01, a Saturday (0 = Sunday, as the source data counts).
  const std::vector<double> first(table.values.begin(), table.values.begin() + 15);
  EXPECT_EQ(first, (std::vector<double>{1, 0, 0, 2, 0.344167, 0.363625, 0.805833, 0.160446, 331,
                                        654, 985, 2011, 1, 1, 6}));
  // The last day is 2012-12-31 (endobs), a Monday: 2012 was a leap year and no day is skipped.
  const std::vector<double> last(table.values.end() - 4, table.values.end());
  EXPECT_EQ(last, (std::vector<double>{2012, 12, 31, 1}));
  EXPECT_EQ(table.at(730, 10), 2729);  // cnt of the last <obs>
}

TEST_F(GretlDataTest, EveryFileDebianShipsReads) {
  if (!fs::exists(kGretlData)) GTEST_SKIP() << kInstall;
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kGretlData)) {
    if (entry.path().extension() != ".gdt") continue;
    ++files;
    EXPECT_NO_THROW(read_gretl_data(entry.path())) << entry.path();
  }
  EXPECT_GE(files, 150);  // 165 in gretl-data 2022c
}

TEST_F(GretlDataTest, ColumnsAreChosenByNameOrPositionAsFromACsv) {
  const fs::path file = file_with(series("12", "1999:11", 3));
  CsvOptions options;
  options.columns = {std::string("month"), std::int64_t{0}, std::string("year")};
  const CsvTable table = read_gretl_data(file, options);
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"month", "v", "year"}));
  EXPECT_EQ(table.values, (std::vector<double>{11, 1, 1999, 12, 2, 1999, 1, 3, 2000}));

  options.columns = {std::string("weekday")};
  EXPECT_EQ(error_reading(series("12", "1999:11", 3), options),
            "x.gdt: no column named 'weekday' (columns: v, year, month)");
  options.columns = {std::int64_t{3}};
  EXPECT_EQ(error_reading(series("12", "1999:11", 3), options),
            "x.gdt: column 3 is out of range (the file has 3 columns, numbered from 0)");
  options.columns = {std::string("v"), std::int64_t{0}};
  EXPECT_EQ(error_reading(series("12", "1999:11", 3), options), "x.gdt: column 0 is chosen twice");
}

TEST_F(GretlDataTest, PlainAndGzippedFilesReadTheSameAndNaIsNan) {
  const CsvTable plain = read_gretl_data(file_with(kTiny));
  const fs::path zipped = directory_.path / "tiny.gdt";
  write_gzip(zipped, kTiny);
  const CsvTable unzipped = read_gretl_data(zipped);
  EXPECT_EQ(plain.column_names, (std::vector<std::string>{"x", "y"}));
  ASSERT_EQ(plain.rows, 3);
  EXPECT_EQ(plain.at(0, 1), 0.5);
  EXPECT_EQ(plain.at(1, 0), -2000);
  EXPECT_TRUE(std::isnan(plain.at(1, 1)));
  EXPECT_EQ(plain.at(2, 0), 3);
  for (std::size_t i = 0; i < plain.values.size(); ++i) {
    EXPECT_TRUE(plain.values[i] == unzipped.values[i] ||
                (std::isnan(plain.values[i]) && std::isnan(unzipped.values[i])))
        << i;
  }

  fs::resize_file(zipped, fs::file_size(zipped) - 6);
  try {
    read_gretl_data(zipped);
    FAIL() << "a truncated gzip file read without error";
  } catch (const CsvError& error) {
    EXPECT_NE(std::string(error.what()).find(zipped.string()), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("truncated"), std::string::npos);
  }
}

TEST_F(GretlDataTest, MissvalMarksMissingValuesToo) {
  const CsvTable table = read_gretl_data(file_with(replaced(
      replaced(kTiny, "labels=\"false\"", "labels=\"false\" missval=\"-999\""), "+3 1", "-999 1")));
  EXPECT_TRUE(std::isnan(table.at(2, 0)));
  EXPECT_EQ(table.at(2, 1), 1);
}

TEST_F(GretlDataTest, CalendarsGiveYearAndQuarterOrMonth) {
  EXPECT_EQ(read_gretl_data(file_with(series("4", "1987:3", 3))).values,
            (std::vector<double>{1, 1987, 3, 2, 1987, 4, 3, 1988, 1}));
  EXPECT_EQ(read_gretl_data(file_with(series("4", "1987.3", 1))).column_names,
            (std::vector<std::string>{"v", "year", "quarter"}));
  EXPECT_EQ(read_gretl_data(file_with(series("1", "1999", 2))).values,
            (std::vector<double>{1, 1999, 2, 2000}));
  // A variable of the same name (ignoring case) stands for that date part.
  EXPECT_EQ(read_gretl_data(file_with(series("1", "1999", 2, "YEAR"))).column_names,
            (std::vector<std::string>{"YEAR"}));
  // Undated series and cross-sections have no calendar.
  EXPECT_EQ(read_gretl_data(file_with(series("5", "1", 2))).column_names,
            (std::vector<std::string>{"v"}));
  EXPECT_EQ(read_gretl_data(file_with(series("24", "1:01", 2))).cols, 1);
}

TEST_F(GretlDataTest, FiveDayWeeksSkipWeekendsAndDatedLabelsGiveTheDays) {
  // Friday 2021-12-31, then Monday 2022-01-03.
  const CsvTable weekdays = read_gretl_data(file_with(series("5", "2021-12-31", 2)));
  EXPECT_EQ(column(weekdays, "day"), (std::vector<double>{31, 3}));
  EXPECT_EQ(column(weekdays, "weekday"), (std::vector<double>{5, 1}));
  EXPECT_EQ(column(read_gretl_data(file_with(series("52", "1966/01/05", 2))), "day"),
            (std::vector<double>{5, 12}));
  // Trading days: the labels skip the holiday the calendar would not.
  std::string labelled =
      replaced(series("5", "1999-12-30", 3), "labels=\"false\"", "labels=\"true\"");
  labelled = replaced(labelled, "<obs>1", "<obs label=\"1999-12-30\">1");
  labelled = replaced(labelled, "<obs>2", "<obs label=\"1999-12-31\">2");
  labelled = replaced(labelled, "<obs>3", "<obs label=\"2000-01-04\">3");
  EXPECT_EQ(column(read_gretl_data(file_with(labelled)), "day"), (std::vector<double>{30, 31, 4}));
  EXPECT_EQ(error_reading(series("5", "2022-01-01", 2)),
            "x.gdt:1: startobs: the first observation, 2022-01-01, falls on a day that a 5-day "
            "week leaves out");
  EXPECT_EQ(error_reading(series("7", "2011-02-29", 2)),
            "x.gdt:1: startobs: '2011-02-29' is not a day of the calendar");
}

TEST_F(GretlDataTest, LabelsAndStringValuedSeriesKeepTheirCodes) {
  std::string text = replaced(kTiny, "labels=\"false\"", "labels=\"true\"");
  text = replaced(text, "<obs>1", "<obs label=\"A&amp;B\">1");
  text = replaced(text, "<obs>-2e3", "<obs label='C'>-2e3");
  text = replaced(text, "<obs>+3", "<obs label=\"&#x44;\">+3");
  text = replaced(text, "</observations>",
                  "</observations>\n<string-tables count=\"1\">\n<valstrings owner=\"y\" "
                  "count=\"2\">\"one\" \"two &quot;2&quot;\" </valstrings>\n</string-tables>");
  text = replaced(text, "<obs label=\"A&amp;B\">1 0.5", "<obs label=\"A&amp;B\">1 2");
  const CsvTable table = read_gretl_data(file_with(text));
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(column(table, "y")[0], 2);
  EXPECT_EQ(error_reading(replaced(text, "+3 1", "+3 3")),
            "x.gdt:17: observation 3 ('D') of the string-valued variable 'y' holds 3, not a "
            "code from 1 to 2 into its string table");
  EXPECT_EQ(error_reading(replaced(text, "<obs label='C'>", "<obs>")),
            "x.gdt:13: observation 2 has no label, though <observations labels=\"true\">");
}

TEST_F(GretlDataTest, MalformedFilesNameFileLineAndWhat) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "x.gdt:1: no element: the file is empty or not a gretl data file"},
      {"a,b\n1,2\n",
       "x.gdt:1: the file starts with 'a,b', not with an XML element: it is not a gretl data file"},
      {"<html></html>",
       "x.gdt:1: the document is <html>, not <gretldata>: this is not a gretl "
       "data file"},
      {kTiny.substr(0, kTiny.find("<obs>+3")),
       "x.gdt:14: the file ends inside <observations> after 2 of 3 observations (is it "
       "truncated?)"},
      {replaced(kTiny, "<variables count=\"2\">", "<variables count=\"3\">"),
       "x.gdt:5: <variables count=\"3\"> lists 2 <variable> elements"},
      {replaced(kTiny, "<variables count=\"2\">", "<variables count=\"1\">"),
       "x.gdt:9: variable 2 ('y') is one more than <variables count=\"1\"> declares"},
      {replaced(kTiny, "<observations count=\"3\"", "<observations count=\"4\""),
       "x.gdt:11: <observations count=\"4\"> holds 3 <obs> elements"},
      {replaced(kTiny, "<observations count=\"3\"", "<observations count=\"2\""),
       "x.gdt:14: observation 3 is one more than <observations count=\"2\"> declares"},
      {replaced(kTiny, "1 0.5 ", "1 0.5 7"),
       "x.gdt:12: observation 1 has more than 2 values, one per variable ('7' is one too many)"},
      {replaced(kTiny, "1 0.5 ", "1 "),
       "x.gdt:12: observation 1 has values for 1 of 2 variables (none for 'y')"},
      {replaced(kTiny, "-2e3 NA", "-2e3 n/a"),
       "x.gdt:13: 'n/a' is not a number (observation 2, variable 'y'); gretl writes NA for a "
       "missing value"},
      {replaced(kTiny, "<obs>+3 1 </obs>", "<obs>+3 1e999 </obs>"),
       "x.gdt:14: '1e999' is out of the range of a double (observation 3, variable 'y'); gretl "
       "writes NA for a missing value"},
      {replaced(kTiny, "<obs>1 0.5 </obs>", "<obs>1 0.5 </ob>"),
       "x.gdt:12: expected </obs>, found </ob>"},
      {replaced(kTiny, "<variable name=\"y\"", "<variable name=\"x\""),
       "x.gdt:9: variable 'x' is listed twice (first on line 6)"},
      {replaced(kTiny, "<description>", "<notes>"),
       "x.gdt:4: <notes> is not part of a gretl data file (<gretldata> holds description, "
       "variables, observations, string-tables, panel-info)"},
      {replaced(kTiny, "&amp;", "&nbsp;"),
       "x.gdt:4: unknown entity '&nbsp;' (gretl data files use &amp; &lt; &gt; &quot; &apos; "
       "and &#...;)"},
      {replaced(kTiny, "type=\"cross-section\"", "type=\"cross-section\" binary=\"tiny.bin\""),
       "x.gdt:3: the values are in a separate binary file (binary=\"tiny.bin\"), which this "
       "reader does not read; save the data from gretl as a plain .gdt file"},
      {replaced(kTiny, "type=\"cross-section\"", "type=\"panel\""),
       "x.gdt:3: unknown data type 'panel' (gretl writes cross-section, time-series, "
       "stacked-time-series or stacked-cross-section)"},
      {replaced(kTiny, "</gretldata>", "</gretldata>\n<obs>4 4</obs>"),
       "x.gdt:17: unexpected '<obs>4 4</obs>' after the end of the root element"},
  };
  for (const auto& [text, expected] : cases) EXPECT_EQ(error_reading(text), expected);
}

// Whatever the bytes, the reader returns a table or throws CsvError: never a crash, a hang or
// another exception. Every truncation of a valid file is an error.
TEST_F(GretlDataTest, EveryTruncationAndByteFlipIsReadOrRefused) {
  const std::size_t root_end = kTiny.find("</gretldata>") + std::string("</gretldata>").size();
  for (std::size_t size = 0; size < root_end; ++size) {
    EXPECT_THROW(parse_gretl_data(std::string_view(kTiny).substr(0, size), "x.gdt"), CsvError)
        << size;
  }
  EXPECT_EQ(parse_gretl_data(std::string_view(kTiny).substr(0, root_end), "x.gdt").rows, 3);
  std::mt19937 random(11);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text = kTiny;
    for (int flip = 0; flip < 3; ++flip) {
      text[random() % text.size()] = static_cast<char>(random() % 256);
    }
    try {
      parse_gretl_data(text, "x.gdt");
    } catch (const CsvError&) {
    }
  }
}

}  // namespace
}  // namespace scidl::data
