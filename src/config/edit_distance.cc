#include "config/edit_distance.h"

#include <algorithm>
#include <numeric>
#include <vector>

namespace memwatch::config {

size_t EditDistance(std::string_view a, std::string_view b) {
  // One row of the classic table; row[j] is the distance between the
  // current prefix of a and b[0, j).
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      const size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string_view ClosestMatch(std::string_view word, std::span<const std::string_view> candidates) {
  std::string_view best;
  size_t best_distance = kMaxSuggestionDistance + 1;
  for (std::string_view candidate : candidates) {
    const size_t d = EditDistance(word, candidate);
    if (d < best_distance && d < std::max(word.size(), candidate.size())) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace memwatch::config
