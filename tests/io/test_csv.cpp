// CSV: reads the shapes of numeric tables people actually have (headers or not, commas or
// whitespace, comments, CRLF), picks columns, writes tables that read back bit for bit, and says
// exactly where a broken file is broken.
#include "scidl/data/csv.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <zlib.h>

namespace scidl::data {
namespace {

namespace fs = std::filesystem;

testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

class CsvTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* test = testing::UnitTest::GetInstance()->current_test_info();
    directory_ = fs::temp_directory_path() /
                 ("scidl-csv-" + std::to_string(::getpid()) + "-" + test->name());
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  fs::path file_with(const std::string& text, const std::string& name = "x.csv") const {
    fs::path file = directory_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }

  std::string error_reading(const std::string& text, const CsvOptions& options = {}) const {
    fs::path file = file_with(text);
    try {
      read_csv(file, options);
    } catch (const CsvError& error) {
      std::string message = error.what();
      // Report relative to the file name, as a user who passed "x.csv" would see it.
      const std::string full = file.string();
      if (message.rfind(full, 0) == 0) message = "x.csv" + message.substr(full.size());
      return message;
    }
    ADD_FAILURE() << "expected a CsvError";
    return "";
  }

  fs::path directory_;
};

TEST_F(CsvTest, ReadsAHeaderedCommaFileIntoRowMajorDoubles) {
  CsvTable table = read_csv(file_with("x,y,label\n1,2.5,0\n-3e2,0.125,1\n"));
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"x", "y", "label"}));
  EXPECT_EQ(table.rows, 2);
  EXPECT_EQ(table.cols, 3);
  EXPECT_EQ(table.values, (std::vector<double>{1, 2.5, 0, -300, 0.125, 1}));
  EXPECT_EQ(table.at(1, 1), 0.125);
}

TEST_F(CsvTest, NumericFirstRowIsDataAndColumnsAreNamedByPosition) {
  CsvTable table = read_csv(file_with("1,2\n3,4\n"));
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(table.rows, 2);
  EXPECT_EQ(table.values, (std::vector<double>{1, 2, 3, 4}));
}

TEST_F(CsvTest, HeaderOfNumbersIsReadWhenDeclared) {
  CsvOptions options;
  options.header = CsvHeader::Present;
  CsvTable table = read_csv(file_with("10,20\n3,4\n"), options);
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"10", "20"}));
  EXPECT_EQ(table.rows, 1);
}

TEST_F(CsvTest, WhitespaceSeparatedColumnsAreDetected) {
  CsvTable table = read_csv(file_with("  t\tx   v\n0.0  1\t-1\n 0.5 2   -2  \n"));
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"t", "x", "v"}));
  EXPECT_EQ(table.values, (std::vector<double>{0, 1, -1, 0.5, 2, -2}));
}

TEST_F(CsvTest, SkipsBlankLinesCommentsCrlfAndByteOrderMark) {
  CsvTable table = read_csv(
      file_with("\xEF\xBB\xBF# made by hand\r\na, b\r\n\r\n1, 2\r\n  \r\n# done\r\n3 ,+4\r\n"));
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(table.values, (std::vector<double>{1, 2, 3, 4}));
}

TEST_F(CsvTest, QuotedCellsMayHoldCommas) {
  CsvTable table = read_csv(file_with("\"mass, kg\",\"say \"\"hi\"\"\"\n\"1.5\",2\n"));
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"mass, kg", "say \"hi\""}));
  EXPECT_EQ(table.values, (std::vector<double>{1.5, 2}));
}

TEST_F(CsvTest, NanAndInfinityAreAcceptedWhenSpelledOut) {
  CsvTable table = read_csv(file_with("a,b,c,d\nnan,inf,-inf,NaN\n1e-320,Infinity,-0,2\n"));
  EXPECT_TRUE(std::isnan(table.at(0, 0)));
  EXPECT_EQ(table.at(0, 1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(table.at(0, 2), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(table.at(0, 3)));
  EXPECT_EQ(table.at(1, 0), 1e-320);  // subnormal, not an error
  EXPECT_EQ(table.at(1, 1), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::signbit(table.at(1, 2)));
}

TEST_F(CsvTest, ChosenColumnsComeInTheOrderAsked) {
  CsvOptions options;
  options.columns = {"y", std::int64_t{0}};
  CsvTable table = read_csv(file_with("x,name,y\n1,alpha,10\n2,beta,20\n"), options);
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"y", "x"}));
  EXPECT_EQ(table.cols, 2);
  EXPECT_EQ(table.values, (std::vector<double>{10, 1, 20, 2}));  // text column never parsed
}

TEST_F(CsvTest, ChoosingAnUnknownColumnListsTheColumns) {
  CsvOptions options;
  options.columns = {"z"};
  EXPECT_EQ(error_reading("x,y\n1,2\n", options), "x.csv: no column named 'z' (columns: x, y)");
  options.columns = {std::int64_t{2}};
  EXPECT_EQ(error_reading("x,y\n1,2\n", options),
            "x.csv: column 2 is out of range (the file has 2 columns, numbered from 0)");
  options.columns = {"x"};
  EXPECT_TRUE(Contains(error_reading("1,2\n", options), "the file has no header row"));
  options.columns = {"x", std::int64_t{0}};
  EXPECT_EQ(error_reading("x,y\n1,2\n", options), "x.csv: column 0 is chosen twice");
}

TEST_F(CsvTest, MissingFileSaysItCannotBeOpened) {
  const fs::path missing = directory_ / "x.csv";
  try {
    read_csv(missing);
    FAIL() << "expected a CsvError";
  } catch (const CsvError& error) {
    EXPECT_EQ(std::string(error.what()),
              "cannot open '" + missing.string() + "': No such file or directory");
  }
}

TEST_F(CsvTest, FileWithoutDataRowsIsAnError) {
  EXPECT_EQ(error_reading(""), "x.csv: no data rows (the file is empty)");
  EXPECT_EQ(error_reading("\n# only a comment\n"), "x.csv: no data rows (the file is empty)");
  EXPECT_EQ(error_reading("a,b\n"), "x.csv: no data rows (only a header on line 1)");
}

TEST_F(CsvTest, RaggedRowNamesItsLineAndBothCounts) {
  std::string text = "a,b,c\n";
  for (int row = 0; row < 15; ++row) text += "1,2,3\n";
  text += "4,5\n";  // line 17
  EXPECT_EQ(error_reading(text), "x.csv:17: expected 3 columns (as on line 1), found 2");
  EXPECT_EQ(error_reading("1 2\n3 4 5\n"), "x.csv:2: expected 2 columns (as on line 1), found 3");
}

TEST_F(CsvTest, TextInANumericColumnNamesLineColumnAndHeader) {
  EXPECT_EQ(error_reading("a,b\n1,2\n3,abc\n"),
            "x.csv:3:3: cannot parse 'abc' as a number (column 'b')");
  EXPECT_EQ(error_reading("1,2\n3, 4x\n"),
            "x.csv:2:4: cannot parse '4x' as a number (column 1, numbered from 0)");
  EXPECT_EQ(error_reading("a,b\n1,NA\n"), "x.csv:2:3: cannot parse 'NA' as a number (column 'b')");
}

// A first row of numbers with one mistyped or empty cell is data with an error in it, not a
// header: taken as column names it would silently drop the first example.
TEST_F(CsvTest, FirstRowOfNumbersWithABadCellIsDataAndTheCellIsNamed) {
  EXPECT_EQ(error_reading("1.5,2,831x\n4,5,6\n"),
            "x.csv:1:7: cannot parse '831x' as a number (column 2, numbered from 0)");
  EXPECT_EQ(error_reading("1,2,3,\n4,5,6,\n"),
            "x.csv:1:7: empty cell (column 3, numbered from 0); missing values are not "
            "supported, write nan if that is meant");
  EXPECT_EQ(error_reading("1,-,3\n"),
            "x.csv:1:3: cannot parse '-' as a number (column 1, numbered from 0)");
  // A row that names a column is a header, even beside numbers, empty or quoted cells.
  EXPECT_EQ(read_csv(file_with("t,0,1,\n1,2,3,4\n"), {.columns = {0, 3}}).column_names,
            (std::vector<std::string>{"t", ""}));
  EXPECT_EQ(read_csv(file_with("\"1x\",b\n1,2\n")).column_names,
            (std::vector<std::string>{"1x", "b"}));
}

TEST_F(CsvTest, EmptyCellAndOverflowAreErrors) {
  EXPECT_EQ(error_reading("a,b\n1,\n"),
            "x.csv:2:3: empty cell (column 'b'); missing values are not supported, write nan if "
            "that is meant");
  EXPECT_EQ(error_reading("a,b\n1e999,1\n"),
            "x.csv:2:1: '1e999' is out of the range of a double (column 'a')");
}

TEST_F(CsvTest, WrittenTableReadsBackBitForBit) {
  std::mt19937_64 random(7);
  std::vector<double> values;
  for (int i = 0; i < 300; ++i) {
    values.push_back(std::bit_cast<double>(random()));  // every exponent, NaNs and subnormals too
  }
  values.push_back(-0.0);
  values.push_back(std::numeric_limits<double>::infinity());
  values.push_back(std::numeric_limits<double>::denorm_min());
  values.push_back(0.1);
  const fs::path file = directory_ / "table.csv";
  write_csv(file, {"a", "b", "c", "d"}, 76, 4, values.data());

  CsvTable table = read_csv(file);
  EXPECT_EQ(table.column_names, (std::vector<std::string>{"a", "b", "c", "d"}));
  ASSERT_EQ(table.rows, 76);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::isnan(values[i])) {
      EXPECT_TRUE(std::isnan(table.values[i])) << i;  // the payload is not kept in text
    } else {
      EXPECT_EQ(std::bit_cast<std::uint64_t>(table.values[i]),
                std::bit_cast<std::uint64_t>(values[i]))
          << i << ": " << values[i];
    }
  }
}

TEST_F(CsvTest, WriterQuotesNamesThatWouldNotReadBack) {
  const double values[] = {1, 2, 3};
  const fs::path file = directory_ / "names.csv";
  write_csv(file, {"mass, kg", "#id", "plain"}, 1, 3, values);
  std::ifstream in(file);
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "\"mass, kg\",\"#id\",plain");
  EXPECT_EQ(read_csv(file).column_names, (std::vector<std::string>{"mass, kg", "#id", "plain"}));
}

TEST_F(CsvTest, WriterWithoutNamesWritesNoHeaderAndLeavesNoTemporaryFile) {
  const double values[] = {0.5, 1.5};
  const fs::path file = directory_ / "plain.csv";
  write_csv(file, {}, 2, 1, values);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "0.5\n1.5\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(directory_), fs::directory_iterator()), 1);
}

TEST_F(CsvTest, WriterRefusesNamesThatDoNotMatchTheColumns) {
  const double values[] = {1, 2};
  EXPECT_THROW(write_csv(directory_ / "bad.csv", {"only one"}, 1, 2, values), CsvError);
  EXPECT_FALSE(fs::exists(directory_ / "bad.csv"));
}

TEST_F(CsvTest, GzipFilesReadAsTheirContentsAndTruncatedOnesSayWhere) {
  const std::string text = "name,a,b\nk1,1.5,2\nk2,-3,4e2\n";
  const fs::path zipped = directory_ / "table.csv.gz";
  gzFile f = gzopen(zipped.c_str(), "wb9");
  ASSERT_NE(f, nullptr);
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  CsvOptions options;
  options.columns = {std::string("b"), std::string("a")};
  CsvTable t = read_csv(zipped, options);
  EXPECT_EQ(t.column_names, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(t.values, (std::vector<double>{2, 1.5, 400, -3}));

  const auto size = fs::file_size(zipped);
  fs::resize_file(zipped, size - 6);  // cut into the trailer
  try {
    read_csv(zipped);
    FAIL() << "a truncated gzip file read without error";
  } catch (const CsvError& e) {
    EXPECT_TRUE(Contains(e.what(), zipped.string()));
    EXPECT_TRUE(Contains(e.what(), "truncated"));
  }
}

}  // namespace
}  // namespace scidl::data
