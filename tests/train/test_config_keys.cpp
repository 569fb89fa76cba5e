// The key table is the one truth about config keys: the parser reads through it (a key it does
// not declare cannot be read), docs/config.md is printed from it, and a user's unknown key is
// answered with the likeliest meant. Configs that use every declared key parse, so a key read
// as another type than declared, or declared but read by nobody, fails here.
#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "scidl/io/config_path.h"
#include "scidl/io/config_reader.h"
#include "scidl/io/nearest_name.h"
#include "scidl/optim/factory.h"
#include "scidl/optim/lr_schedule.h"
#include "scidl/train/callback_config.h"
#include "scidl/train/config_keys.h"
#include "scidl/train/config_reference.h"
#include "scidl/train/run_config.h"
#include "scidl/tune/tune_config.h"

namespace scidl::train {
namespace {

// Keys declared for a reader another change brings; remove each when the parser reads it.
const std::set<std::string> kDeclaredAhead{};

const char* kCsvData = R"([data]
source = "csv"
x = "x.csv"
y = "y.csv"
x_columns = ["a"]
inputs = { c = ["b"] }
header = true
groups = "g.csv"
targets = "values"
validation_split = 0.2
split = "group"
split_seed = 3
augment = { flip = 0.5 }
)";

const char* kGraphModel = R"([model]
inputs = { x = 1, c = 1 }
layers = [ { name = "joined", type = "concat", inputs = ["x", "c"] },
           { name = "out", type = "dense", units = 1 } ]
output = "out"
init = "glorot_uniform"
dtype = "float32"
)";

const char* kStackModel = "[model]\ninputs = 1\nlayers = [ { type = \"dense\", units = 1 } ]\n";

// A TOML value for a key of the table: its default, or a sample where it has none.
std::string sample_value(const io::ConfigKey& k) {
  if (!k.default_value.empty()) return k.default_value;
  if (k.name == "filepath") return "\"m.scidl\"";
  if (k.type == io::KeyType::Integer) return "2";
  if (k.type == io::KeyType::Number) return "0.5";
  ADD_FAILURE() << "no sample value for '" << k.name << "'";
  return "0";
}

// Every key of one type's table, with a value each.
std::string every_key(const io::KeyTable& t) {
  std::string out = fmt::format("type = \"{}\"\n", t.variant);
  for (const auto& k : t.keys)
    if (k.name != "type") out += fmt::format("{} = {}\n", k.name, sample_value(k));
  return out;
}

std::vector<std::string> every_key_configs() {
  std::vector<std::string> configs;
  configs.push_back(std::string("seed = 3\n") + kCsvData + kGraphModel + R"([training]
epochs = 2
batch_size = 4
loss = "mse"
metrics = ["mae"]
shuffle = false
gradient_clip_norm = 1.0
gradient_clip_value = 1.0
regularization = { l2 = 1e-4 }
lr_scaling = "linear"
lr_warmup_epochs = 0.5
[output]
dir = "out"
checkpoint_every_n_steps = 5
plots = false
)");
  const std::string windows = R"([data]
x = "series.csv"
window = 3
window_target = "difference"
group_column = "run"
)";
  configs.push_back(windows + kStackModel);
  configs.push_back(std::string("[data]\npath = \"t.csv\"\ntarget = [\"u\", \"v\"]\n"
                                "validation = \"v.csv\"\n[training]\ninit_from = \"m.scidl\"\n") +
                    kStackModel);
  configs.push_back(std::string("[data]\nsource = \"tu\"\npath = \"G\"\nname = \"G\"\n"
                                "node_attributes = true\n") +
                    kStackModel);
  configs.push_back(std::string("[data]\nsource = \"idx\"\nimages = \"i.gz\"\nlabels = "
                                "\"l.gz\"\n") +
                    kStackModel);
  configs.push_back(std::string("[data]\nsource = \"damped_oscillator\"\ntrajectories = 4\n"
                                "points = 8\n") +
                    kStackModel);
  configs.push_back(std::string("[data]\nsource = \"fashion_mnist\"\nvalidation = \"test\"\n"
                                "validation_split = 0\n") +
                    kStackModel);
  const std::string base = std::string("[data]\nx = \"x.csv\"\ny = \"y.csv\"\n") + kStackModel;
  configs.push_back(base +
                    "[training]\nbatch_size = 8\n[distributed]\nmode = \"pipeline\"\n"
                    "micro_batches = 4\nsplit_before = [2]\n");
  for (const auto& type : optim::optimizer_names())
    configs.push_back(base + "[optimizer]\n" + every_key(optimizer_keys(type)));
  for (const auto& type : optim::lr_schedule_names())
    configs.push_back(base + "[lr_schedule]\n" + every_key(lr_schedule_keys(type)));
  std::string callbacks = base;
  for (const auto& type : callback_types())
    callbacks += "[[callbacks]]\n" + every_key(callback_keys(type));
  configs.push_back(callbacks);
  return configs;
}

// "data.x", "optimizer/sgd.lr", "callbacks/csv_logger.append": each key a config holds.
void collect_keys(io::ConfigDocument& doc, std::set<std::string>& keys) {
  auto root = doc.root();
  for (const io::KeyTable* t : config_key_tables()) {
    if (!t->section.empty() || !t->variant.empty()) continue;
    for (const auto& k : t->keys) {
      auto j = root.json(k.name);
      if (!j) continue;
      keys.insert(k.name);
      const auto tables = j->is_array() ? *j : nlohmann::json::array({*j});
      for (const auto& table : tables) {
        if (!table.is_object()) continue;
        const std::string variant =
            table.contains("type") ? fmt::format("/{}", table["type"].get<std::string>()) : "";
        for (const auto& [key, value] : table.items()) {
          keys.insert(k.name + "." + key);
          keys.insert(k.name + variant + "." + key);
        }
      }
    }
  }
}

TEST(ConfigKeys, ConfigsUsingEveryDeclaredKeyParse) {
  std::set<std::string> used;
  for (const std::string& text : every_key_configs()) {
    auto doc = io::parse_config_string(text, "every_key.toml");
    EXPECT_NO_THROW(parse_run_config(doc, {})) << text;
    collect_keys(doc, used);
  }
  for (const io::KeyTable* t : config_key_tables())
    for (const auto& k : t->keys) {
      const std::string section = t->section + (t->variant.empty() ? "" : "/" + t->variant);
      const std::string id = section.empty() ? k.name : section + "." + k.name;
      if (kDeclaredAhead.count(id)) continue;
      EXPECT_TRUE(used.count(id)) << id << " is declared, but no config here uses it";
    }
}

TEST(ConfigKeys, EveryExampleConfigParses) {
  int configs = 0;
  const auto examples = std::filesystem::path(SCIDL_TEST_DATA) / "../../examples";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(examples)) {
    if (entry.path().extension() != ".toml") continue;
    ++configs;
    auto doc = io::parse_config_file(entry.path());
    if (io::config_value_exists(doc, "space"))  // a tune config (examples/tune)
      EXPECT_NO_THROW(tune::parse_tune_config(entry.path())) << entry.path();
    else
      EXPECT_NO_THROW(parse_run_config(doc, entry.path().parent_path())) << entry.path();
  }
  EXPECT_GT(configs, 10);
}

TEST(ConfigKeys, OptimizerAndScheduleTablesHoldExactlyTheOptionsTheirTypesRead) {
  for (const auto& type : optim::optimizer_names()) {
    std::vector<std::string> names = optimizer_keys(type).names();
    names.erase(names.begin());  // type
    EXPECT_EQ(names, optim::optimizer_options(type)) << type;
  }
  for (const auto& type : optim::lr_schedule_names()) {
    std::vector<std::string> names = lr_schedule_keys(type).names();
    names.erase(names.begin(), names.begin() + 2);  // type, monitor
    EXPECT_EQ(names, optim::lr_schedule_options(type)) << type;
  }
}

TEST(ConfigKeys, DefaultsInTheTableAreTheCodesDefaults) {
  EXPECT_EQ(training_keys().find("epochs")->default_value, "10");
  EXPECT_EQ(optimizer_keys("sgd").find("lr")->default_value, "0.01");
  EXPECT_EQ(optimizer_keys("adam").find("betas")->default_value, "[0.9, 0.999]");
  EXPECT_EQ(lr_schedule_keys("reduce_on_plateau").find("patience")->default_value, "10");
}

TEST(ConfigKeys, DocsConfigMdIsWhatTheTableGenerates) {
  const std::string path = std::string(SCIDL_TEST_DATA) + "/../../docs/config.md";
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), config_reference_markdown())
      << "docs/config.md is stale: run `scidl train --help-config --markdown > docs/config.md`";
}

std::string parse_error(const std::string& text) {
  auto doc = io::parse_config_string(text, "c.toml");
  try {
    parse_run_config(doc, {});
  } catch (const io::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigKeys, AnUnknownKeyIsAnsweredWithTheOneMeant) {
  const std::string data = std::string("[data]\nx = \"x.csv\"\ny = \"y.csv\"\n") + kStackModel;
  EXPECT_NE(parse_error(data + "[training]\nepcohs = 3\n")
                .find("unknown key 'training.epcohs'; did you mean 'epochs'?"),
            std::string::npos);
  EXPECT_NE(parse_error(data + "[optimizer]\ntype = \"sgd\"\nmomentun = 0.9\n")
                .find("did you mean 'momentum'?"),
            std::string::npos);
  EXPECT_NE(parse_error(data + "[lr_schedule]\ntype = \"step\"\nstep_size = 2\ngama = 0.5\n")
                .find("unknown key 'lr_schedule.gama'; did you mean 'gamma'?"),
            std::string::npos);
  EXPECT_NE(parse_error(data + "[[callbacks]]\ntype = \"early_stoping\"\n")
                .find("did you mean 'early_stopping'?"),
            std::string::npos);
  EXPECT_NE(parse_error(data + "[output]\nplot = false\n").find("did you mean 'plots'?"),
            std::string::npos);
  EXPECT_NE(parse_error(data + "[trainig]\nepochs = 3\n").find("did you mean 'training'?"),
            std::string::npos);
  // A key of the table that these settings do not use is named as such, not as unknown.
  EXPECT_NE(
      parse_error("[data]\nsource = \"tu\"\npath = \"G\"\nwindow = 3\n" + std::string(kStackModel))
          .find("'data.window' has no effect with these settings"),
      std::string::npos);
}

TEST(ConfigKeys, ASectionReadsOnlyWhatItsTableDeclaresAsDeclared) {
  const io::KeyTable table{"t", "", "", {{"count", io::KeyType::Integer, "1", "a count"}}};
  auto doc = io::parse_config_string("[t]\ncount = 2\n", "c.toml");
  auto t = doc.root().section("t", &table);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->integer("count"), 2);
  EXPECT_THROW(t->integer("other"), std::logic_error);  // not declared
  EXPECT_THROW(t->number("count"), std::logic_error);   // declared as an integer
  EXPECT_THROW(t->choice("count"), std::logic_error);   // no choices declared
}

TEST(ConfigKeys, TheTextReferenceNarrowsToOneSection) {
  const std::string text = config_reference_text("lr_schedule");
  EXPECT_NE(text.find("[lr_schedule] type = \"cosine\""), std::string::npos) << text;
  EXPECT_EQ(text.find("[data]"), std::string::npos) << text;
  EXPECT_THROW(config_reference_text("dta"), std::invalid_argument);
}

TEST(NearestName, SuggestsTyposAndTruncationsButNotStrangers) {
  const std::vector<std::string> names{"train", "predict", "evaluate", "explain"};
  EXPECT_EQ(io::nearest_name("trian", names), "train");
  EXPECT_EQ(io::nearest_name("Predcit", names), "predict");
  EXPECT_EQ(io::nearest_name("eval", names), "evaluate");
  EXPECT_EQ(io::nearest_name("zzz", names), std::nullopt);
  EXPECT_EQ(io::nearest_name("train", names), std::nullopt);
}

}  // namespace
}  // namespace scidl::train
