// "did you mean ...?" for misspelled config keys.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace memwatch::config {

// Suggestions go no further than this many edits: beyond that the closest
// key is rarely the one that was meant.
inline constexpr size_t kMaxSuggestionDistance = 2;

// The Levenshtein distance: insertions, deletions and substitutions, each
// costing 1.
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word` within kMaxSuggestionDistance edits, the
// first one on a tie; "" when none is that near, or when reaching it would
// rewrite every character (so "x" does not suggest "db").
std::string_view ClosestMatch(std::string_view word, std::span<const std::string_view> candidates);

}  // namespace memwatch::config
