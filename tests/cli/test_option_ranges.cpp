// Numeric options out of range are refused at once, naming the option, before any work: a batch
// of 0 once sent `predict` into a loop until memory ran out and hung `evaluate` (issue 23). The
// walk below finds every numeric option of every subcommand from the help text, so an option
// added later is checked without a line written here; the files it names need not exist, since
// the range check runs while the line is parsed, before the file checks.
#include <fmt/format.h>

#include <chrono>
#include <set>
#include <sstream>

#include "../test_util.h"

namespace scidl::testing {
namespace {

constexpr int kUsageError = 2;

struct Timed {
  CommandResult result;
  double seconds;
};

// `scidl COMMAND` in `folder`, stopped after 10 s: a value wrongly accepted starts real work,
// which must neither write into the source tree nor hold the suite up.
Timed run_timed(const std::string& command, const std::filesystem::path& folder) {
  const auto start = std::chrono::steady_clock::now();
  const std::string line =
      fmt::format("cd {} && timeout -s KILL 10 {} {} 2>&1", folder.string(), SCIDL_CLI, command);
  CommandResult r{-1, ""};
  if (FILE* pipe = popen(line.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
    const int status = pclose(pipe);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return {r, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

void expect_refused_quickly(const std::string& command, const std::string& option) {
  const Timed t = run_timed(command, std::filesystem::temp_directory_path());
  EXPECT_NE(t.result.status, 0) << command << "\n" << t.result.output;
  EXPECT_NE(t.result.output.find(option), std::string::npos) << command << "\n" << t.result.output;
  EXPECT_LT(t.seconds, 5.0) << command;  // a loaded 2-core machine starts slowly
}

// One entry of a help text's section: "  --batch-size INT:INT in [1 - 64] REQUIRED  rows per ...".
struct HelpEntry {
  std::string name;  // "--batch-size", a positional's name, or a subcommand's
  std::string type;  // "INT", "FLOAT", "TEXT:FILE", ... ("" for flags)
  bool required = false;
};

std::vector<HelpEntry> help_section(const std::string& help, const std::string& title) {
  std::vector<HelpEntry> entries;
  std::istringstream in(help);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == title) {
      inside = true;
      continue;
    }
    if (!inside) continue;
    if (line.empty() || line[0] != ' ') break;
    if (line.size() < 3 || line[2] == ' ') continue;  // a description's next line
    std::istringstream words(line);
    HelpEntry e;
    std::string type;
    words >> e.name >> type;
    // "-q,--quiet": the long name; a flag's second word is its description, not a type
    if (auto comma = e.name.rfind(','); comma != std::string::npos)
      e.name = e.name.substr(comma + 1);
    const std::string base = type.substr(0, type.find_first_of(":="));
    if (base == "INT" || base == "UINT" || base == "FLOAT" || base == "NUMBER" || base == "TEXT")
      e.type = type;
    e.required = line.find(" REQUIRED") != std::string::npos;
    entries.push_back(e);
  }
  return entries;
}

// Every runnable subcommand path ("train", "ode generate", "three-body report", ...).
std::vector<std::string> subcommand_paths(const std::string& prefix = "") {
  const std::string help = run_cli(prefix + " --help").output;
  const auto subs = help_section(help, "Subcommands:");
  if (subs.empty()) return {prefix};
  std::vector<std::string> paths;
  for (const auto& s : subs)
    for (auto& p : subcommand_paths(prefix.empty() ? s.name : prefix + " " + s.name))
      paths.push_back(p);
  return paths;
}

// "INT" of "INT:INT in [1 - 64]" or "FLOAT=0.0001".
std::string base_type(const std::string& type) { return type.substr(0, type.find_first_of(":=")); }

bool is_numeric(const std::string& type) {
  const std::string b = base_type(type);
  return b == "INT" || b == "UINT" || b == "FLOAT" || b == "NUMBER";
}

// Values that are valid for an option, so not refused; each with its reason. "*" stands for
// every subcommand.
struct Allowed {
  const char* command;
  const char* option;
  const char* value;
  const char* reason;
};
const Allowed kAllowed[] = {
    {"*", "--seed", "0", "0 is a seed like any other"},
    {"evaluate", "--gallery", "0", "shows no misclassified images"},
    {"explain", "--limit", "0", "explains every example"},
    {"explain", "--target", "0", "the first output"},
    {"explain", "--internal-batch-size", "0", "all path points at once"},
    {"knots prepare", "--smallest-signature", "0", "an even signature"},
    {"knots prepare", "--classes", "0", "as many classes as the data needs"},
    {"molecules prepare", "--limit", "0", "keeps every molecule"},
    {"three-body assemble", "--t-max", "0", "the whole generated window"},
    {"three-body integrate", "--x2", "0", "a corner of the Breen et al. region"},
    {"three-body integrate", "--y2", "0", "a corner of the Breen et al. region"},
    {"ode generate", "--drag", "0", "no drag"},
    {"ode lyapunov", "--drag", "0", "no drag"},
    {"ode rollout", "--drag", "0", "no drag"},
    {"ode report", "--drag", "0", "no drag"},
    {"ode generate", "--dt", "0", "the problem's default spacing"},
    {"ode lyapunov", "--dt", "0", "the problem's default spacing"},
    {"ode rollout", "--dt", "0", "the problem's default spacing"},
    {"ode report", "--dt", "0", "the problem's default spacing"},
    {"ode generate", "--duration", "0", "the problem's default length"},
    {"ode lyapunov", "--duration", "0", "the problem's default length"},
    {"ode rollout", "--duration", "0", "the problem's default length"},
    {"ode report", "--duration", "0", "the problem's default length"},
    {"ode lyapunov", "--transient", "0", "nothing discarded"},
    {"tune", "--status-every", "0", "never prints the table of running trials"},
};

const Allowed* allowed(const std::string& command, const std::string& option,
                       const std::string& value) {
  for (const auto& a : kAllowed)
    if ((a.command == command || std::string(a.command) == "*") && a.option == option &&
        a.value == value)
      return &a;
  return nullptr;
}

// Dummy values for the options and positionals a subcommand requires, so that the parse gets as
// far as the option under test: files and folders that exist where the help says they must.
struct Dummies {
  TempDir dir{"option_walk"};
  Dummies() {
    write_text(dir.path / "file", "");
    std::filesystem::create_directories(dir.path / "folder");
  }
  std::string value_for(const HelpEntry& e) const {
    if (e.name == "--x2") return "-0.1";  // inside the Breen et al. region
    if (e.name == "--y2") return "0.5";
    if (is_numeric(e.type)) return "1";
    if (e.type.find(":DIR") != std::string::npos) return (dir.path / "folder").string();
    if (e.type.find(":FILE") != std::string::npos || e.type.find("(existing)") != std::string::npos)
      return (dir.path / "file").string();
    return (dir.path / "new").string();
  }
};

TEST(OptionRanges, EveryNumericOptionOfEverySubcommandRefusesZeroNegativeAndHugeValues) {
  Dummies dummies;
  std::set<std::string> used_allowances;
  int numeric_options = 0;
  for (const std::string& command : subcommand_paths()) {
    const std::string help = run_cli(command + " --help").output;
    const auto options = help_section(help, "Options:");
    const auto positionals = help_section(help, "Positionals:");
    for (const auto& option : options) {
      if (!is_numeric(option.type)) continue;
      ++numeric_options;
      std::string required;
      for (const auto& p : positionals)
        if (p.required) required += fmt::format(" {}", dummies.value_for(p));
      for (const auto& o : options)
        if (o.required && o.name != option.name && o.name[0] == '-')
          required += fmt::format(" {}={}", o.name, dummies.value_for(o));
      const bool integer = base_type(option.type) == "INT" || base_type(option.type) == "UINT";
      for (const std::string value : {"0", "-1", integer ? "99999999999999999999" : "1e300"}) {
        if (const Allowed* a = allowed(command, option.name, value)) {
          used_allowances.insert(fmt::format("{}|{}|{}", a->command, a->option, a->value));
          continue;
        }
        const std::string line = fmt::format("{}{} {}={}", command, required, option.name, value);
        const Timed t = run_timed(line, dummies.dir.path);
        EXPECT_EQ(t.result.status, kUsageError) << line << "\n" << t.result.output;
        EXPECT_NE(t.result.output.find(option.name), std::string::npos) << line << "\n"
                                                                        << t.result.output;
        EXPECT_LT(t.seconds, 5.0) << line;
      }
    }
  }
  // The walk must have found the options (a changed help layout would find none), and every
  // allowance must still name an option that exists.
  EXPECT_GE(numeric_options, 60);
  for (const auto& a : kAllowed)
    EXPECT_TRUE(used_allowances.count(fmt::format("{}|{}|{}", a.command, a.option, a.value)))
        << "stale allowance: " << a.command << " " << a.option << "=" << a.value;
}

TEST(OptionRanges, BatchSizesAndCountsOutOfRangeAreRefusedAtOnce) {
  TempDir dir("option_ranges");
  const std::string model = (dir.path / "m.scidl").string(), csv = (dir.path / "x.csv").string();
  write_text(dir.path / "m.scidl", "");
  write_text(dir.path / "x.csv", "a\n1\n");
  for (const char* value : {"0", "-1", "99999999999"}) {
    expect_refused_quickly(fmt::format("predict --model {} --input {} --output {} --batch-size={}",
                                       model, csv, (dir.path / "p.csv").string(), value),
                           "--batch-size");
    expect_refused_quickly(
        fmt::format("evaluate --model {} --data fashion_mnist --batch-size={}", model, value),
        "--batch-size");
  }
  expect_refused_quickly(
      fmt::format("evaluate --model {} --data fashion_mnist --gallery=-1", model), "--gallery");
  expect_refused_quickly(fmt::format("molecules prepare --smiles {} --limit=-1 --out {}", csv,
                                     (dir.path / "M").string()),
                         "--limit");
  expect_refused_quickly(
      fmt::format("graphs generate --graphs 0 --out {}", (dir.path / "G").string()), "graphs");
  expect_refused_quickly(fmt::format("ode generate --dt=-1 --out {}", csv), "--dt");
  expect_refused_quickly("ode lyapunov --problem lorenz --time 0", "--time");
  expect_refused_quickly("ode lyapunov --problem lorenz --d0 1", "--d0");
}

}  // namespace
}  // namespace scidl::testing
