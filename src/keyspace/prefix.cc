#include "keyspace/prefix.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace memwatch::keyspace {
namespace {

constexpr std::string_view kWildcard = "*";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsPrintable(char c) { return c >= 0x20 && c <= 0x7e; }

bool AllOf(std::string_view s, bool (*pred)(char)) { return std::all_of(s.begin(), s.end(), pred); }
bool AnyOf(std::string_view s, bool (*pred)(char)) { return std::any_of(s.begin(), s.end(), pred); }

bool IsNumber(std::string_view s) { return !s.empty() && AllOf(s, IsDigit); }

bool IsHexId(std::string_view s) { return s.size() >= 8 && AllOf(s, IsHex) && AnyOf(s, IsDigit); }

// 8-4-4-4-12 hex digits separated by dashes.
bool IsDashedUuid(std::string_view s) {
  if (s.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash_here = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_here ? s[i] != '-' : !IsHex(s[i])) {
      return false;
    }
  }
  return true;
}

// Digits and the separators of dates and times, a digit first.
bool IsDateRun(std::string_view s) {
  const auto date_char = [](char c) {
    return IsDigit(c) || c == '-' || c == ':' || c == '.' || c == '+';
  };
  return !s.empty() && IsDigit(s.front()) && std::all_of(s.begin(), s.end(), date_char);
}

// "2026-12-07", "20261207", "2026-12-07T10:00:00Z", "2026-12-07T10", "00Z".
bool IsDateTime(std::string_view s) {
  if (!s.empty() && s.back() == 'Z') {
    s.remove_suffix(1);
  }
  const size_t t = s.find('T');
  if (t == std::string_view::npos) {
    return IsDateRun(s);
  }
  const std::string_view date = s.substr(0, t);
  const std::string_view time = s.substr(t + 1);
  return IsDateRun(date) && IsDigit(date.back()) && IsDateRun(time);
}

bool IsTokenChar(char c) {
  return IsDigit(c) || IsLetter(c) || c == '+' || c == '/' || c == '=' || c == '_' || c == '-';
}

bool IsRandomToken(std::string_view s) {
  return s.size() >= 16 && AllOf(s, IsTokenChar) && AnyOf(s, IsDigit) && AnyOf(s, IsLetter);
}

bool IsVariable(std::string_view segment, size_t max_segment_bytes) {
  if (segment.size() > max_segment_bytes || !AllOf(segment, IsPrintable)) {
    return true;
  }
  return IsNumber(segment) || IsHexId(segment) || IsDashedUuid(segment) || IsDateTime(segment) ||
         IsRandomToken(segment);
}

// One segment of a key and the delimiter byte before it ('\0' for the first).
struct Piece {
  char delimiter_before = '\0';
  std::string_view text;
};

// The first `limit` segments of key, and whether more follow. Stops scanning
// there, so a long key costs only as much as its first segments.
std::vector<Piece> SplitSegments(std::string_view key, std::string_view delimiters, size_t limit,
                                 bool* more) {
  std::vector<Piece> pieces;
  char before = '\0';
  size_t start = 0;
  *more = false;
  while (true) {
    if (pieces.size() == limit) {
      *more = true;
      pieces.push_back(Piece{before, {}});
      return pieces;
    }
    const size_t end = key.find_first_of(delimiters, start);
    pieces.push_back(
        Piece{before, key.substr(start, end == std::string_view::npos ? key.npos : end - start)});
    if (end == std::string_view::npos) {
      return pieces;
    }
    before = key[end];
    start = end + 1;
  }
}

}  // namespace

std::string FoldKey(std::string_view key, const FoldOptions& options) {
  const size_t depth = static_cast<size_t>(std::max(options.depth, 1));
  const size_t max_segment_bytes = std::max<size_t>(options.max_segment_bytes, 1);
  bool more = false;
  std::vector<Piece> pieces = SplitSegments(key, options.delimiters, depth, &more);
  if (more) {
    pieces.back().text = kWildcard;  // the segments past depth
  }
  std::string prefix;
  bool last_was_wildcard = false;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const bool wildcard =
        pieces[i].text == kWildcard || IsVariable(pieces[i].text, max_segment_bytes);
    if (wildcard && last_was_wildcard) {
      continue;  // "*:*" collapses into "*"
    }
    if (i > 0) {
      prefix.push_back(pieces[i].delimiter_before);
    }
    prefix.append(wildcard ? kWildcard : pieces[i].text);
    last_was_wildcard = wildcard;
  }
  return prefix;
}

std::string EscapeKeyName(std::string_view raw, size_t max_output_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr std::string_view kEllipsis = "...";
  std::string out;
  // out.size() at the last escape boundary that still leaves room for "...".
  size_t cut = 0;
  for (const char c : raw) {
    char piece[4] = {'\\', c, 0, 0};
    size_t piece_size = 2;
    if (c == '\\' || c == '"') {
      piece[1] = c;
    } else if (IsPrintable(c)) {
      piece[0] = c;
      piece_size = 1;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      piece[1] = 'x';
      piece[2] = kHex[byte >> 4];
      piece[3] = kHex[byte & 0xf];
      piece_size = 4;
    }
    if (out.size() + piece_size > max_output_bytes) {
      out.resize(cut);
      out.append(kEllipsis.substr(0, std::min(kEllipsis.size(), max_output_bytes)));
      return out;
    }
    out.append(piece, piece_size);
    if (out.size() + kEllipsis.size() <= max_output_bytes) {
      cut = out.size();
    }
  }
  return out;
}

}  // namespace memwatch::keyspace
