// ProgressBar: plain lines for logs, an in-place bar for terminals, readable durations.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "scidl/io/progress_bar.h"

namespace scidl::io {
namespace {

std::string read_all(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  for (int c; (c = std::fgetc(f)) != EOF;) text += static_cast<char>(c);
  return text;
}

TEST(ProgressBar, PlainStylePrintsALineEveryTenPercentFromManyThreads) {
  std::FILE* out = std::tmpfile();
  {
    ProgressBar bar("runs", 100, 0, out, ProgressBar::Style::plain);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 25; ++i) bar.advance();
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(bar.done(), 100);
  }
  const std::string text = read_all(out);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 11) << text;  // 0%, 10%, ..., 100%
  EXPECT_NE(text.find("runs: 100/100 (100%)"), std::string::npos) << text;
  EXPECT_EQ(text.find('\r'), std::string::npos);
  std::fclose(out);
}

TEST(ProgressBar, TerminalStyleRedrawsInPlaceAndEndsTheLine) {
  std::FILE* out = std::tmpfile();
  {
    ProgressBar bar("gen", 10, 5, out, ProgressBar::Style::terminal);
    bar.set_note("1 not converged");
    for (int i = 0; i < 5; ++i) bar.advance();
    bar.finish();
  }
  const std::string text = read_all(out);
  EXPECT_NE(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("[##############################] 10/10"), std::string::npos) << text;
  EXPECT_NE(text.find("1 not converged"), std::string::npos);
  EXPECT_EQ(text.back(), '\n');
  std::fclose(out);
}

TEST(ProgressBar, FormatsDurations) {
  EXPECT_EQ(ProgressBar::format_duration(5), "0:05");
  EXPECT_EQ(ProgressBar::format_duration(125), "2:05");
  EXPECT_EQ(ProgressBar::format_duration(3 * 3600 + 62), "3:01:02");
  EXPECT_EQ(ProgressBar::format_duration(-1), "--:--");
}

}  // namespace
}  // namespace scidl::io
