// "Did you mean": the valid name closest to a mistyped one, for config keys, subcommands and
// options alike. Close means a prefix of at least three letters, or within a small edit
// distance (one edit in a short name, two in a name of six letters or more), ignoring case.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace scidl::io {

// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
// neighbours each cost one; case is ignored ("modle" and "Model" are both 1 from "model").
size_t typo_distance(const std::string& a, const std::string& b);

// The candidate closest to `word`, when one is close enough to be a likely typo (never `word`
// itself); the first of equally close candidates.
std::optional<std::string> nearest_name(const std::string& word,
                                        const std::vector<std::string>& candidates);

// "; did you mean 'NAME'?" for the nearest candidate, or "" when none is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace scidl::io
