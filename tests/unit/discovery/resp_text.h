// Decodes RESP2 bytes (as captured from redis-server with a raw socket) into
// a discovery::RespValue tree, for the fixtures of tests/fixtures/discovery
// and for tests/fuzz/discovery_fuzz.cc. Bounded: at most max_values values
// in all and max_depth levels of arrays; returns nullopt on anything else
// than one complete, well-formed reply (trailing bytes included).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "discovery/resp_value.h"

namespace memwatch::discovery::resp_text {

class Decoder {
 public:
  Decoder(std::string_view bytes, size_t max_values, int max_depth)
      : rest_(bytes), budget_(max_values), max_depth_(max_depth) {}

  std::optional<RespValue> DecodeAll() {
    std::optional<RespValue> v = Decode(0);
    return v && rest_.empty() ? v : std::nullopt;
  }

 private:
  std::optional<std::string_view> Line() {
    const size_t end = rest_.find("\r\n");
    if (end == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view line = rest_.substr(0, end);
    rest_.remove_prefix(end + 2);
    return line;
  }

  static std::optional<long long> Number(std::string_view s) {
    const bool negative = !s.empty() && s[0] == '-';
    s.remove_prefix(negative ? 1 : 0);
    if (s.empty() || s.size() > 18) {
      return std::nullopt;
    }
    long long v = 0;
    for (const char c : s) {
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
  }

  std::optional<RespValue> Decode(int depth) {
    if (budget_ == 0 || rest_.empty()) {
      return std::nullopt;
    }
    --budget_;
    const char type = rest_[0];
    rest_.remove_prefix(1);
    const std::optional<std::string_view> line = Line();
    if (!line) {
      return std::nullopt;
    }
    switch (type) {
      case '+':
        return RespValue::String(std::string{*line});
      case '-':
        return RespValue::Error(std::string{*line});
      case ':': {
        const std::optional<long long> n = Number(*line);
        return n ? std::optional<RespValue>{RespValue::Integer(*n)} : std::nullopt;
      }
      case '$':
        return Bulk(*line);
      case '*':
        return Array(*line, depth);
      default:
        return std::nullopt;
    }
  }

  std::optional<RespValue> Bulk(std::string_view header) {
    const std::optional<long long> n = Number(header);
    if (n && *n == -1) {
      return RespValue::Nil();
    }
    if (!n || *n < 0 || static_cast<size_t>(*n) + 2 > rest_.size() ||
        rest_.substr(static_cast<size_t>(*n), 2) != "\r\n") {
      return std::nullopt;
    }
    RespValue v = RespValue::String(std::string{rest_.substr(0, static_cast<size_t>(*n))});
    rest_.remove_prefix(static_cast<size_t>(*n) + 2);
    return v;
  }

  std::optional<RespValue> Array(std::string_view header, int depth) {
    const std::optional<long long> n = Number(header);
    if (n && *n == -1) {
      return RespValue::Nil();
    }
    if (!n || *n < 0 || depth >= max_depth_ || static_cast<size_t>(*n) > budget_) {
      return std::nullopt;
    }
    RespValue array = RespValue::Array({});
    for (long long i = 0; i < *n; ++i) {
      std::optional<RespValue> e = Decode(depth + 1);
      if (!e) {
        return std::nullopt;
      }
      array.elements.push_back(std::move(*e));
    }
    return array;
  }

  std::string_view rest_;
  size_t budget_;
  int max_depth_;
};

inline std::optional<RespValue> Decode(std::string_view bytes, size_t max_values = 100000,
                                       int max_depth = 8) {
  return Decoder(bytes, max_values, max_depth).DecodeAll();
}

}  // namespace memwatch::discovery::resp_text
