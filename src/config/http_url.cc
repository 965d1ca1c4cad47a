#include "config/http_url.h"

#include <algorithm>

namespace memwatch::config {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsHostChar(char c) { return IsAlnum(c) || c == '.' || c == '-' || c == '_'; }
bool IsIpv6Char(char c) { return IsAlnum(c) || c == ':' || c == '.' || c == '%'; }

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

Status CheckPort(std::string_view port) {
  const bool digits =
      !port.empty() && port.size() <= 5 &&
      std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
  int value = 0;
  for (char c : port) value = value * 10 + (c - '0');
  if (!digits || value < 1 || value > 65535) {
    return Status::Error("the URL's port is not a number between 1 and 65535");
  }
  return Status::Ok();
}

}  // namespace

Status CheckHttpUrl(std::string_view url) {
  if (url.empty()) return Status::Error("expected an http:// or https:// URL, got an empty value");
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b <= 0x20 || b >= 0x7f;
      })) {
    return Status::Error(
        "the URL contains spaces, control characters or non-ASCII characters; percent-encode "
        "them");
  }
  std::string_view rest;
  if (StartsWithNoCase(url, "http://")) {
    rest = url.substr(7);
  } else if (StartsWithNoCase(url, "https://")) {
    rest = url.substr(8);
  } else {
    return Status::Error("expected an http:// or https:// URL");
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at = authority.rfind('@');
  if (at != authority.npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return Status::Error("the URL has no host name after http(s)://");
  std::string_view port;
  bool has_port = false;
  if (authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == authority.npos) {
      return Status::Error("the '[' of an IPv6 address in the URL is not closed by ']'");
    }
    const std::string_view host = authority.substr(1, close - 1);
    if (host.find(':') == host.npos || !std::all_of(host.begin(), host.end(), IsIpv6Char)) {
      return Status::Error("the URL's host in brackets is not an IPv6 address");
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') {
      return Status::Error("expected ':port' after the ']' of the URL's IPv6 address");
    }
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (host.empty()) return Status::Error("the URL has no host name after http(s)://");
    if (!std::all_of(host.begin(), host.end(), IsHostChar)) {
      return Status::Error(
          "the URL's host is not a host name (letters, digits, '.', '-' and '_' only); an IPv6 "
          "address needs brackets");
    }
    has_port = colon != authority.npos;
    if (has_port) port = authority.substr(colon + 1);
  }
  if (has_port) return CheckPort(port);
  return Status::Ok();
}

}  // namespace memwatch::config
