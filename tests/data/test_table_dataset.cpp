// One table of inputs and targets through the C++ API: text columns of the CSV reader, class
// labels numbered as scikit-learn's LabelEncoder does, and the errors that name the row.
#include <gtest/gtest.h>

#include "../test_util.h"
#include "scidl/data/csv.h"
#include "scidl/data/table_dataset.h"

namespace scidl::testing {
namespace {

TEST(CsvTextColumns, AreReadBesideTheNumbersAndWrittenBack) {
  TempDir dir("csv_text_columns");
  write_text(dir.path / "t.csv", "a,label,b\n1,\"cat, black\",2\n3,dog,4\n");
  data::CsvOptions options;
  options.text_columns = {std::string("label")};
  auto t = data::read_csv(dir.path / "t.csv", options);
  EXPECT_EQ(t.column_names, (std::vector<std::string>{"a", "b"}));  // the rest, as numbers
  EXPECT_EQ(t.text_names, (std::vector<std::string>{"label"}));
  EXPECT_EQ(t.text[0], (std::vector<std::string>{"cat, black", "dog"}));
  EXPECT_EQ(t.rows, 2);
  data::write_csv(dir.path / "back.csv", t);
  auto back = data::read_csv(dir.path / "back.csv", options);
  EXPECT_EQ(back.text[0], t.text[0]);
  EXPECT_EQ(back.values, t.values);

  const auto first = data::read_csv_first_row(dir.path / "t.csv");
  EXPECT_EQ(first.cells, (std::vector<std::string>{"a", "label", "b"}));
  EXPECT_TRUE(first.looks_like_header);
  write_text(dir.path / "n.csv", "0,1\n2,3\n");
  EXPECT_FALSE(data::read_csv_first_row(dir.path / "n.csv").looks_like_header);
}

TEST(TableDataset, TextLabelsAreSortedClassesAndIntegerLabelsTheirOwnIndices) {
  std::vector<std::string> names;
  EXPECT_EQ(data::class_indices({"b", "a", "c", "a"}, names, false, "t"),
            (std::vector<int64_t>{1, 0, 2, 0}));
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(data::class_indices({"2", "0", "2"}, names, false, "t"),
            (std::vector<int64_t>{2, 0, 2}));
  EXPECT_EQ(names, (std::vector<std::string>{"0", "1", "2"}));
  // Known classes (a trained model's): "02" is class 2; an unknown label names its row.
  EXPECT_EQ(data::class_indices({"02", "1"}, names, true, "t"), (std::vector<int64_t>{2, 1}));
  try {
    data::class_indices({"0", "7"}, names, true, "'v.csv', column 'y'");
    FAIL() << "an unknown label was accepted";
  } catch (const data::CsvError& e) {
    EXPECT_NE(std::string(e.what()).find("'v.csv', column 'y': data row 2 has label '7'"),
              std::string::npos)
        << e.what();
  }
}

TEST(TableDataset, InputsAreEveryOtherColumnUnlessChosen) {
  TempDir dir("table_dataset");
  write_text(dir.path / "t.csv", "u,kind,v,w\n1,x,2,3\n4,y,5,6\n7,x,8,9\n");
  data::TableSpec spec;
  spec.path = dir.path / "t.csv";
  spec.targets = {"kind"};
  spec.classes = true;
  auto d = data::read_table_dataset(spec);
  EXPECT_EQ(d.x_names, (std::vector<std::string>{"u", "v", "w"}));
  EXPECT_EQ(d.x.to_vector<double>(), (std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(d.y.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"x", "y"}));

  spec.targets = {"w", "u"};
  spec.classes = false;
  spec.exclude = {"kind"};
  d = data::read_table_dataset(spec);
  EXPECT_EQ(d.x_names, (std::vector<std::string>{"v"}));
  EXPECT_EQ(d.y.shape(), (Shape{3, 2}));
  EXPECT_EQ(d.y.to_vector<double>(), (std::vector<double>{3, 1, 6, 4, 9, 7}));

  spec.targets = {"nope"};
  EXPECT_THROW(data::read_table_dataset(spec), data::CsvError);
}

}  // namespace
}  // namespace scidl::testing
