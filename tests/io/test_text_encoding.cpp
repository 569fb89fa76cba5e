// UTF-8 as the files scidl writes need it, and JSON documents written as TOML that reads back.
#include <gtest/gtest.h>

#include "scidl/io/config_reader.h"
#include "scidl/io/text_encoding.h"
#include "scidl/io/toml_writer.h"

namespace scidl::io {
namespace {

TEST(TextEncoding, AcceptsUtf8AndRefusesStrayOverlongAndSurrogateBytes) {
  EXPECT_TRUE(is_utf8("temperature"));
  EXPECT_TRUE(is_utf8("temp\xc3\xa9rature"));       // é
  EXPECT_TRUE(is_utf8("\xf0\x9f\x93\x88 growth"));  // a 4-byte emoji
  EXPECT_FALSE(is_utf8("temp\xe9rature"));          // é in Latin-1
  EXPECT_FALSE(is_utf8("\xc0\xaf"));                // an overlong '/'
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));            // a UTF-16 surrogate
  EXPECT_FALSE(is_utf8("\xe2\x82"));                // cut short
  EXPECT_EQ(printable("temp\xe9rature \xc3\xa9"), "temp\\xe9rature \xc3\xa9");
}

TEST(TextEncoding, FindsTheFirstNonUtf8StringWithItsPath) {
  nlohmann::json j = {{"data", {{"x", "ok.csv"}}},
                      {"input_range", {{"names", {"a", std::string("b\xff"), "c"}}}}};
  auto bad = find_non_utf8(j);
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->key_path, "input_range.names[1]");
  EXPECT_EQ(bad->text, "b\xff");
  EXPECT_FALSE(find_non_utf8({{"x", "fine"}}));
}

TEST(TomlWriter, ADocumentReadsBackAsTheSameValues) {
  const nlohmann::json j = {
      {"seed", 5},
      {"lr", 0.003},
      {"whole", 2.0},
      {"name", "a \"quoted\" \\ name\n"},
      {"skipped", nullptr},
      {"model",
       {{"inputs", 3},
        {"layers", {{{"type", "dense"}, {"units", 48}}, {{"type", "dropout"}, {"rate", 0.1}}}}}},
      {"odd key.with dots", {{"betas", {0.9, 0.999}}, {"on", true}}}};
  const std::string text = json_to_toml(j);
  EXPECT_NE(text.find("lr = 0.003\n"), std::string::npos) << text;
  EXPECT_NE(text.find("whole = 2.0\n"), std::string::npos) << text;
  auto doc = parse_config_string(text, "written.toml");
  auto back = doc.root().json("model");
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, j["model"]);
  EXPECT_EQ(*doc.root().json("odd key.with dots"), j["odd key.with dots"]);
  EXPECT_EQ(*doc.root().string("name"), j["name"]);
  EXPECT_DOUBLE_EQ(*doc.root().number("lr"), 0.003);
  EXPECT_FALSE(doc.root().json("skipped"));
}

}  // namespace
}  // namespace scidl::io
