#include "discovery/text_fields.h"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace memwatch::discovery {

std::vector<std::string_view> Split(std::string_view s, char sep, bool skip_empty,
                                    size_t max_pieces) {
  std::vector<std::string_view> pieces;
  while (pieces.size() + 1 < max_pieces) {
    const size_t end = s.find(sep);
    const std::string_view piece = s.substr(0, end);
    if (!skip_empty || !piece.empty()) {
      pieces.push_back(piece);
    }
    if (end == std::string_view::npos) {
      return pieces;
    }
    s.remove_prefix(end + 1);
  }
  if (!skip_empty || !s.empty()) {
    pieces.push_back(s);
  }
  return pieces;
}

std::optional<long long> ParseDecimal(std::string_view s, bool allow_negative) {
  const bool negative = allow_negative && !s.empty() && s.front() == '-';
  if (negative) {
    s.remove_prefix(1);
  }
  if (s.empty() || s.size() > 18) {
    return std::nullopt;
  }
  long long value = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

std::optional<int> ParsePort(std::string_view s) {
  const std::optional<long long> v = ParseDecimal(s);
  if (!v || *v > 65535) {
    return std::nullopt;
  }
  return static_cast<int>(*v);
}

}  // namespace memwatch::discovery
