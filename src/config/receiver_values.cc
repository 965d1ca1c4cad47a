#include "config/receiver_values.h"

#include <algorithm>

#include <fmt/format.h>

namespace memwatch::config {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 9110 tchar.
bool IsTokenChar(char c) {
  return IsAlnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsControlOrSpace(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b <= 0x20 || b == 0x7f;
}

}  // namespace

Status CheckEmailAddress(std::string_view address) {
  constexpr std::string_view kExample = "ops@example.com";
  if (address.empty()) {
    return Status::Error(
        fmt::format("expected an address such as {}, got an empty value", kExample));
  }
  if (std::any_of(address.begin(), address.end(), IsControlOrSpace) &&
      std::count(address.begin(), address.end(), '@') > 1) {
    return Status::Error(fmt::format(
        "'{}' holds several addresses; write one per list item: [a@example.com, b@example.com]",
        address));
  }
  if (address.find_first_of(",;") != address.npos) {
    return Status::Error(fmt::format(
        "'{}' holds several addresses; write one per list item: [a@example.com, b@example.com]",
        address));
  }
  if (address.find_first_of("<>\"") != address.npos) {
    return Status::Error(fmt::format(
        "expected a bare address such as {}, without a display name, quotes or <>, got '{}'",
        kExample, address));
  }
  const size_t at = address.find('@');
  if (std::any_of(address.begin(), address.end(), IsControlOrSpace) || at == address.npos ||
      at == 0 || at + 1 == address.size() || address.find('@', at + 1) != address.npos) {
    return Status::Error(
        fmt::format("expected an address such as {}, got '{}'", kExample, address));
  }
  return Status::Ok();
}

Status CheckHeaderName(std::string_view name) {
  if (!name.empty() && std::all_of(name.begin(), name.end(), IsTokenChar)) return Status::Ok();
  constexpr std::string_view kAllowed =
      "use letters, digits and !#$%&'*+-.^_`|~ only (no spaces, colons or line breaks), e.g. "
      "Authorization";
  if (std::any_of(name.begin(), name.end(), IsControlOrSpace)) {
    return Status::Error(
        fmt::format("a header name cannot contain spaces or control characters: {}", kAllowed));
  }
  return Status::Error(fmt::format("'{}' is not a header name: {}", name, kAllowed));
}

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace memwatch::config
