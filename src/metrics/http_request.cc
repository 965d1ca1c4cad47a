#include "metrics/http_request.h"

#include <algorithm>
#include <cctype>

namespace memwatch::metrics {
namespace {

// tchar of RFC 9110 5.6.2.
bool IsTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Visible US-ASCII: what a request target may hold (anything else must be
// percent-encoded).
bool IsTargetChar(char c) { return c > 0x20 && c < 0x7f; }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

// The path of an origin-form target: up to the query or fragment.
std::string_view PathOf(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

}  // namespace

std::optional<size_t> FindHeadEnd(std::string_view bytes) {
  for (size_t i = bytes.find('\n'); i != std::string_view::npos; i = bytes.find('\n', i + 1)) {
    if (i + 1 < bytes.size() && bytes[i + 1] == '\n') return i + 2;
    if (i + 2 < bytes.size() && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') return i + 3;
  }
  return std::nullopt;
}

std::optional<HttpRequestHead> ParseRequestHead(std::string_view head) {
  // Empty lines before the request line are skipped, as RFC 9112 2.2 asks.
  while (!head.empty() && (head.front() == '\r' || head.front() == '\n')) {
    if (head.starts_with("\r\n")) {
      head.remove_prefix(2);
    } else if (head.front() == '\n') {
      head.remove_prefix(1);
    } else {
      return std::nullopt;  // a bare CR
    }
  }
  std::string_view line = head.substr(0, head.find('\n'));
  if (line.ends_with('\r')) line.remove_suffix(1);

  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return std::nullopt;
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);

  HttpRequestHead out;
  if (version == "HTTP/1.1") {
    out.minor_version = 1;
  } else if (version == "HTTP/1.0") {
    out.minor_version = 0;
  } else {
    return std::nullopt;
  }
  if (method.empty() || !std::all_of(method.begin(), method.end(), IsTokenChar)) {
    return std::nullopt;
  }
  if (target.empty() || !std::all_of(target.begin(), target.end(), IsTargetChar)) {
    return std::nullopt;
  }

  std::string_view path;
  if (target == "*") {
    path = target;
  } else if (target.front() == '/') {
    path = PathOf(target);
  } else {
    // Absolute form (RFC 9112 3.2.2), which a server must accept: the path
    // starts at the first '/' after the authority, or is "/" without one.
    std::string_view rest;
    if (StartsWithNoCase(target, "http://")) {
      rest = target.substr(7);
    } else if (StartsWithNoCase(target, "https://")) {
      rest = target.substr(8);
    } else {
      return std::nullopt;
    }
    const size_t end_of_authority = rest.find_first_of("/?#");
    if (end_of_authority == 0) return std::nullopt;  // no authority
    if (end_of_authority == std::string_view::npos || rest[end_of_authority] != '/') {
      path = "/";
    } else {
      path = PathOf(rest.substr(end_of_authority));
    }
  }
  out.method = std::string(method);
  out.path = std::string(path);
  return out;
}

}  // namespace memwatch::metrics
