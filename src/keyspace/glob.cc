#include "keyspace/glob.h"

#include <cstddef>
#include <utility>

namespace memwatch::keyspace {
namespace {

// Matches the bracket expression starting at pattern[p] (just after '[')
// against byte c. Sets *end to the index just past its closing ']' (or to
// the pattern's end when unclosed).
bool MatchClass(std::string_view pattern, size_t p, unsigned char c, size_t* end) {
  bool negate = false;
  if (p < pattern.size() && pattern[p] == '^') {
    negate = true;
    ++p;
  }
  bool match = false;
  while (p < pattern.size() && pattern[p] != ']') {
    if (pattern[p] == '\\' && p + 1 < pattern.size()) {
      ++p;
      if (static_cast<unsigned char>(pattern[p]) == c) match = true;
      ++p;
    } else if (p + 2 < pattern.size() && pattern[p + 1] == '-') {
      // Redis compares range bounds as (signed) char: on the platforms it
      // runs on, bytes 0x80-0xff sort below 0x00 here.
      signed char low = static_cast<signed char>(pattern[p]);
      signed char high = static_cast<signed char>(pattern[p + 2]);
      if (low > high) std::swap(low, high);
      const auto signed_c = static_cast<signed char>(c);
      if (signed_c >= low && signed_c <= high) match = true;
      p += 3;
    } else {
      if (static_cast<unsigned char>(pattern[p]) == c) match = true;
      ++p;
    }
  }
  *end = p < pattern.size() ? p + 1 : p;
  return negate ? !match : match;
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view key) {
  // KEYS and SCAN MATCH take "*" as every key without matching; otherwise,
  // as stringmatchlen, an empty name matches only an empty pattern.
  if (pattern == "*") return true;
  if (key.empty()) return pattern.empty();
  // Every token but `*` matches exactly one byte, so backtracking to the
  // last `*` only is enough (the classic wildcard walk): no recursion.
  size_t p = 0;
  size_t k = 0;
  size_t star_p = std::string_view::npos;  // just past the last `*` seen
  size_t star_k = 0;                       // the key position it resumes at
  while (k < key.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      while (p < pattern.size() && pattern[p] == '*') ++p;
      if (p == pattern.size()) return true;
      star_p = p;
      star_k = k;
      continue;
    }
    bool one = false;
    size_t next = p;
    if (p < pattern.size()) {
      const auto c = static_cast<unsigned char>(key[k]);
      switch (pattern[p]) {
        case '?':
          one = true;
          next = p + 1;
          break;
        case '[':
          one = MatchClass(pattern, p + 1, c, &next);
          break;
        case '\\':
          if (p + 1 < pattern.size()) {
            one = static_cast<unsigned char>(pattern[p + 1]) == c;
            next = p + 2;
            break;
          }
          [[fallthrough]];
        default:
          one = static_cast<unsigned char>(pattern[p]) == c;
          next = p + 1;
          break;
      }
    }
    if (one) {
      p = next;
      ++k;
    } else if (star_p != std::string_view::npos) {
      p = star_p;
      k = ++star_k;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::optional<std::string> GlobProblem(std::string_view pattern) {
  if (pattern.empty()) return "an empty pattern matches only the empty key name";
  for (size_t p = 0; p < pattern.size(); ++p) {
    if (pattern[p] == '\\') {
      ++p;
    } else if (pattern[p] == '[') {
      size_t q = p + 1;
      while (q < pattern.size() && pattern[q] != ']') q += pattern[q] == '\\' ? 2 : 1;
      if (q >= pattern.size()) {
        return "a '[' without its ']' (write \\[ for a literal bracket)";
      }
      p = q;
    }
  }
  return std::nullopt;
}

}  // namespace memwatch::keyspace
