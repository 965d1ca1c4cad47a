// Fuzzes what the metrics endpoint reads from anyone who can reach its port:
// the request head (metrics/http_request.h). Checked: FindHeadEnd points
// just past an empty line inside the input; a parsed head's method is a
// non-empty token, its path non-empty, made of visible ASCII and free of
// '?' and '#', and it is a substring of the input (nothing invented).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "metrics/http_request.h"

namespace {

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "http_request_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::optional<size_t> end = memwatch::metrics::FindHeadEnd(bytes);
  if (end.has_value()) {
    Require(*end >= 2 && *end <= bytes.size(), "head end within the input");
    Require(bytes[*end - 1] == '\n', "a head ends with a line feed");
  }
  const std::optional<memwatch::metrics::HttpRequestHead> head =
      memwatch::metrics::ParseRequestHead(bytes.substr(0, end.value_or(bytes.size())));
  if (!head.has_value()) return 0;
  Require(!head->method.empty(), "a method");
  Require(bytes.find(head->method) != std::string_view::npos, "the method comes from the input");
  Require(!head->path.empty(), "a path");
  Require(head->path == "/" || bytes.find(head->path) != std::string_view::npos,
          "the path comes from the input");
  for (char c : head->path) {
    Require(c > 0x20 && c < 0x7f, "the path is visible ASCII");
    Require(c != '?' && c != '#', "the path has no query or fragment");
  }
  Require(head->minor_version == 0 || head->minor_version == 1, "HTTP/1.0 or 1.1");
  return 0;
}
