// The table of running trials: on a terminal it is redrawn in place below the event lines (and
// only erased with "cursor up, clear below"); elsewhere it never holds a control sequence and is
// printed whole, at most every status_every_s.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "scidl/tune/study_display.h"

namespace {

using scidl::tune::RunningTrial;
using scidl::tune::StudyCounts;
using scidl::tune::StudyDisplay;

struct Captured {
  std::string out, err;
  StudyDisplay::Sink sink() {
    return [this](const std::string& text, bool error) { (error ? err : out) += text; };
  }
};

std::vector<RunningTrial> two_trials() {
  return {
      {3, {{"optimizer.lr", 0.0123456}, {"model.layers[1].units", 32}}, 4, 0.25, "running", 1.5},
      {4, {{"optimizer.lr", 0.5}, {"model.layers[1].units", 8}}, 0, std::nan(""), "starting", 0.1}};
}

TEST(StudyDisplay, TheTableNamesEachRunningTrialItsEpochMetricStateAndValues) {
  StudyCounts counts{5, 40, 1, 1, 0, 12};
  const auto lines = StudyDisplay::table("val_loss", two_trials(), counts, 0);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0],
            "2 running, 2 finished (1 completed, 1 stopped, 0 failed), 5 of 40 started, 12 s");
  EXPECT_NE(lines[1].find("val_loss"), std::string::npos);
  EXPECT_NE(lines[2].find("trial_0003"), std::string::npos);
  EXPECT_NE(lines[2].find(" 4  "), std::string::npos) << lines[2];
  EXPECT_NE(lines[2].find("0.25"), std::string::npos);
  EXPECT_NE(lines[2].find("running"), std::string::npos);
  EXPECT_NE(lines[2].find("units=32 lr=0.01235"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find("starting"), std::string::npos);
  for (const auto& line : StudyDisplay::table("val_loss", two_trials(), counts, 40))
    EXPECT_LE(line.size(), 39u);
}

TEST(StudyDisplay, KeysAreNamedByTheFewestLastPartsThatTellThemApart) {
  EXPECT_EQ(
      StudyDisplay::params_summary(
          {{"model.layers[0].units", 4}, {"model.layers[1].units", 8}, {"optimizer.type", "adam"}}),
      "layers[0].units=4 layers[1].units=8 type=adam");
  EXPECT_EQ(StudyDisplay::params_summary({{"a.x", 1}, {"b.a.x", 2}}), "a.x=1 b.a.x=2");
}

TEST(StudyDisplay, OnATerminalTheTableIsRedrawnInPlaceBelowTheEvents) {
  Captured c;
  StudyDisplay d("val_loss", true, 100, 30, c.sink());
  d.event("starting trial_0003");
  d.refresh(two_trials(), {});
  const std::string first = c.out;
  EXPECT_NE(first.find("trial_0004"), std::string::npos);
  EXPECT_EQ(first.find('\x1b'), std::string::npos);  // nothing on screen to erase yet
  d.event("trial_0004 failed", true);
  EXPECT_NE(c.out.find("\x1b[4F\x1b[J", first.size()), std::string::npos)
      << "the four lines of the table are erased before the event";
  EXPECT_EQ(c.err, "trial_0004 failed\n");
  d.refresh({two_trials()[0]}, {});  // nothing on screen: drawn at once
  EXPECT_EQ(c.out.rfind("trial_0004"), first.find("trial_0004"));
  d.finish();
  EXPECT_EQ(c.out.substr(c.out.size() - 7), "\x1b[3F\x1b[J");
}

TEST(StudyDisplay, ElsewhereTheTableIsPrintedAsPlainLinesEveryInterval) {
  Captured c;
  StudyDisplay often("val_loss", false, 0, 1e-9, c.sink());
  EXPECT_TRUE(often.due());
  often.event("starting trial_0003");
  often.refresh(two_trials(), {});
  often.refresh(two_trials(), {});
  often.finish();
  EXPECT_EQ(c.out.find('\x1b'), std::string::npos);
  size_t tables = 0;
  for (size_t at = c.out.find("2 running"); at != std::string::npos;
       at = c.out.find("2 running", at + 1))
    ++tables;
  EXPECT_EQ(tables, 2u);

  Captured quiet;
  StudyDisplay rarely("val_loss", false, 0, 3600, quiet.sink());
  EXPECT_FALSE(rarely.due());
  rarely.refresh(two_trials(), {});
  EXPECT_EQ(quiet.out, "");
}

}  // namespace
