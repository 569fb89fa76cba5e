#include "scidl/io/nearest_name.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace scidl::io {

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool is_prefix(const std::string& prefix, const std::string& word) {
  return prefix.size() <= word.size() &&
         std::equal(prefix.begin(), prefix.end(), word.begin(),
                    [](char a, char b) { return lower(a) == lower(b); });
}
}  // namespace

size_t typo_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1]))
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::optional<std::string> nearest_name(const std::string& word,
                                        const std::vector<std::string>& candidates) {
  // One typo in a short name, two in a long one: "lr" -> "gamma" is not a suggestion.
  const size_t allowed = word.size() >= 6 ? 2 : 1;
  std::optional<std::string> best;
  size_t best_distance = allowed + 1;
  for (const auto& c : candidates) {
    if (c == word) continue;
    size_t d = typo_distance(word, c);
    // A truncated name ("epoch" for "epochs", "val" for "validation") is as likely as a typo.
    if (d > allowed && word.size() >= 3 && is_prefix(word, c)) d = allowed;
    if (d < best_distance) best = c, best_distance = d;
  }
  return best;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  auto n = nearest_name(word, candidates);
  return n ? fmt::format("; did you mean '{}'?", *n) : std::string();
}

}  // namespace scidl::io
