// Bagged folds in child processes: every fold's report comes back, in fold order, however many
// run at once; an exception or a crash in one is that fold's error, and the others go on.
#include <gtest/gtest.h>

#include <cstdlib>

#include "scidl/automl/fold_processes.h"

using scidl::automl::fit_folds_in_processes;

TEST(FoldProcesses, EveryFoldReportsItsFileAndNoteInOrder) {
  const auto outcomes = fit_folds_in_processes(5, 2, [](size_t f) {
    return std::make_pair("fold" + std::to_string(f), "note " + std::to_string(f * f));
  });
  ASSERT_EQ(outcomes.size(), 5u);
  for (size_t f = 0; f < 5; ++f) {
    EXPECT_TRUE(outcomes[f].ok);
    EXPECT_EQ(outcomes[f].file, "fold" + std::to_string(f));
    EXPECT_EQ(outcomes[f].note, "note " + std::to_string(f * f));
  }
}

TEST(FoldProcesses, AnExceptionOrACrashIsThatFoldsErrorAlone) {
  const auto outcomes =
      fit_folds_in_processes(4, 3, [](size_t f) -> std::pair<std::string, std::string> {
        if (f == 1) throw std::runtime_error("XGBoost: out of memory");
        if (f == 2) std::abort();
        return {"ok", ""};
      });
  EXPECT_TRUE(outcomes[0].ok);
  EXPECT_FALSE(outcomes[1].ok);
  EXPECT_EQ(outcomes[1].error, "XGBoost: out of memory");
  EXPECT_FALSE(outcomes[2].ok);
  EXPECT_NE(outcomes[2].error.find("killed by signal 6"), std::string::npos) << outcomes[2].error;
  EXPECT_TRUE(outcomes[3].ok);
}
