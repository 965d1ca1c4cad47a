#include "net/url_redaction.h"

#include <algorithm>
#include <cctype>

namespace memwatch::net {
namespace {

constexpr std::string_view kEllipsis = "…";

void ReplaceAll(std::string& text, std::string_view needle) {
  if (needle.size() < 4) return;  // too short to be a secret; would mangle the text
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + kEllipsis.size())) {
    text.replace(pos, needle.size(), kEllipsis);
  }
}

}  // namespace

std::string RedactUrl(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) return "<invalid URL>";
  const std::string_view scheme = url.substr(0, scheme_end);
  if (!std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
      })) {
    return "<invalid URL>";
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  if (authority.empty()) return "<invalid URL>";
  std::string out = std::string(scheme) + "://" + std::string(authority);
  if (authority_end < rest.size() && rest.substr(authority_end) != "/") {
    out += "/";
    out += kEllipsis;
  }
  return out;
}

std::string ScrubSecrets(std::string text, const std::vector<std::string_view>& secrets) {
  for (std::string_view secret : secrets) {
    if (secret.empty()) continue;
    ReplaceAll(text, secret);
    if (const size_t scheme_end = secret.find("://"); scheme_end != std::string_view::npos) {
      const size_t path = secret.find_first_of("/?#", scheme_end + 3);
      if (path != std::string_view::npos) ReplaceAll(text, secret.substr(path));
      const size_t at = secret.find('@', scheme_end + 3);
      if (at != std::string_view::npos && (path == std::string_view::npos || at < path)) {
        ReplaceAll(text, secret.substr(scheme_end + 3, at - scheme_end - 3));  // userinfo
      }
    }
  }
  return text;
}

bool IsLoopbackHost(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  constexpr std::string_view kLocalhost = "localhost";
  const bool localhost =
      std::equal(host.begin(), host.end(), kLocalhost.begin(), kLocalhost.end(),
                 [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return localhost || host == "::1" || host.starts_with("127.");
}

}  // namespace memwatch::net
