#include "notify/mime.h"

#include <algorithm>

#include <fmt/format.h>

namespace memwatch::notify {
namespace {

constexpr size_t kMaxLine = 76;

bool IsPrintableAscii(char c) { return c >= 0x20 && c < 0x7f; }

}  // namespace

std::string QuotedPrintable(std::string_view text) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t width = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(line[i]);
      const bool last = i + 1 == line.size();
      // Trailing white space would be stripped in transit: encode it.
      const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
      std::string piece =
          literal ? std::string(1, static_cast<char>(c)) : fmt::format("={:02X}", c);
      if (width + piece.size() > kMaxLine - 1) {  // leave room for the soft break "="
        out += "=\r\n";
        width = 0;
      }
      out += piece;
      width += piece.size();
    }
    if (end == text.size()) break;
    out += "\r\n";
    start = end + 1;
  }
  return out;
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63],
            kAlphabet[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {kAlphabet[v >> 18], kAlphabet[(v >> 12) & 63], kAlphabet[(v >> 6) & 63], '='};
  }
  return out;
}

std::string EncodeHeader(std::string_view value) {
  if (std::all_of(value.begin(), value.end(), IsPrintableAscii)) return std::string(value);
  // 45 bytes -> 60 base64 chars; with "=?UTF-8?B?" and "?=" a word stays
  // within the 75 characters RFC 2047 allows.
  constexpr size_t kChunk = 45;
  std::string out;
  size_t start = 0;
  while (start < value.size()) {
    size_t end = std::min(start + kChunk, value.size());
    while (end < value.size() && end > start + 1 &&
           (static_cast<unsigned char>(value[end]) & 0xC0) == 0x80) {
      --end;  // never split a UTF-8 sequence between two words
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(value.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

}  // namespace memwatch::notify
