#include "config/text_checks.h"

#include <optional>

namespace memwatch::config {
namespace {

// Returns the offset of the first byte that is not part of valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are invalid),
// or nullopt.
std::optional<size_t> FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b < 0x80) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) lo = 0xA0;  // overlong
      if (b == 0xED) hi = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) lo = 0x90;  // overlong
      if (b == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80;
      const unsigned char max = k == 1 ? hi : 0xBF;
      if (c < min || c > max) return i;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace

TextPosition PositionOf(std::string_view text, size_t offset) {
  TextPosition pos;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++pos.line;
      pos.column = 1;
    } else {
      ++pos.column;
    }
  }
  return pos;
}

std::vector<ConfigError> CheckText(std::string_view text, const std::string& file) {
  std::vector<ConfigError> errors;
  const size_t nul = text.find('\0');
  std::optional<size_t> bad = FirstInvalidUtf8(text);
  if (nul != text.npos || bad) {
    const bool nul_first = nul != text.npos && (!bad || nul < *bad);
    const size_t offset = nul_first ? nul : *bad;
    const TextPosition pos = PositionOf(text, offset);
    errors.push_back({file, pos.line, pos.column, "",
                      nul_first ? "not a text file (it contains a NUL byte)"
                                : "not a text file (it is not valid UTF-8)"});
    return errors;
  }
  int line = 1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == text.npos) end = text.size();
    for (size_t i = start; i < end; ++i) {
      const char c = text[i];
      if (c == '\t') {
        errors.push_back({file, line, static_cast<int>(i - start + 1), "",
                          "tab characters are not allowed for indentation; use spaces"});
        break;
      }
      const bool marker = (c == '-' || c == '?' || c == ':') && i + 1 < end &&
                          (text[i + 1] == ' ' || text[i + 1] == '\t');
      if (c != ' ' && !marker) break;
    }
    start = end + 1;
    ++line;
  }
  return errors;
}

}  // namespace memwatch::config
