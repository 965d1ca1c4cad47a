// Fuzzes the config's value parsers (durations, sizes, ${VAR} expansion,
// Redis and listen addresses) with one input each, and checks the
// contracts their headers state: results in range, and no credentials of a
// redis:// URL in an error message or display string.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "config/address.h"
#include "config/duration.h"
#include "config/env_expand.h"
#include "config/size.h"

namespace {

using namespace memwatch::config;

void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "values_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

// A fixed environment: some set, some empty, one whose value looks like a
// reference (must be inserted verbatim, never expanded again).
std::optional<std::string> FixedEnv(std::string_view name) {
  if (name == "HOST") return "127.0.0.1";
  if (name == "PORT") return "6379";
  if (name == "PASSWORD") return "pa$$w0rd!${HOST}";
  if (name == "EMPTY") return "";
  if (name == "LONG") return std::string(100, 'x');
  return std::nullopt;
}

// Checks ParseAddress's promise about credentials by difference: the
// outcome of a redis:// URL must not depend on what its user name and
// password say, only on whether they are there. So the same URL with every
// credential byte replaced by 'x' must fail with the very same message, or
// succeed with the same display after the credentials, and the display shows
// the user as written and the password only as ***.
void CheckAddress(std::string_view text) {
  const auto parsed = ParseAddress(text);
  if (parsed.ok()) {
    const ParsedAddress& a = parsed.value();
    if (a.endpoint.kind == memwatch::Endpoint::Kind::kTcp) {
      Require(a.endpoint.port >= 1 && a.endpoint.port <= 65535, "port out of range");
      Require(!a.endpoint.host.empty(), "empty host");
    } else {
      Require(!a.endpoint.path.empty() && a.endpoint.path[0] == '/', "unix path not absolute");
    }
    Require(a.endpoint.db >= 0, "negative db");
    Require(!a.password || !a.password->empty(), "an empty password counts as absent");
  }

  std::string scheme(text.substr(0, 8));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (scheme != "redis://") return;
  const std::string_view rest = text.substr(8);
  const size_t at = rest.rfind('@');
  if (at == rest.npos) return;
  const std::string_view userinfo = rest.substr(0, at);
  // Percent-escapes may be invalid, which is reported (without quoting).
  if (userinfo.find('%') != userinfo.npos) return;
  std::string masked(userinfo);
  for (char& c : masked) {
    // Control characters stay: they make any address invalid.
    if (c != ':' && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) c = 'x';
  }
  const auto other = ParseAddress(std::string(text.substr(0, 8)) + masked + "@" +
                                  std::string(rest.substr(at + 1)));
  Require(parsed.ok() == other.ok(), "the outcome depends on the credentials' content");
  if (!parsed.ok()) {
    Require(parsed.status().message() == other.status().message(),
            "an error message depends on (quotes) the credentials");
    return;
  }
  const ParsedAddress& a = parsed.value();
  const std::string_view user = userinfo.substr(0, userinfo.find(':'));
  std::string credentials;
  if (a.username || a.password) {
    credentials =
        std::string(a.username ? user : std::string_view()) + (a.password ? ":***" : "") + "@";
  }
  const std::string& b = other.value().display;
  const size_t b_creds = b.find('@') == std::string::npos ? 8 : b.find('@') + 1;
  Require(a.display == "redis://" + credentials + b.substr(b_creds),
          "display is not redis://[user][:***]@ and the rest");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  if (auto d = ParseDuration(text); d.ok()) Require(d.value().count() >= 0, "negative duration");
  if (auto s = ParseSize(text); s.ok()) Require(s.value() >= 0, "negative size");

  const EnvLookup env = FixedEnv;
  const auto expanded = ExpandEnv(text, env);
  if (text.find('$') == text.npos) {
    Require(expanded.ok() && expanded.value() == text, "text without '$' changed by ExpandEnv");
  }

  CheckAddress(text);

  if (auto l = ParseListenAddress(text); l.ok()) {
    Require(l.value().port >= 0 && l.value().port <= 65535, "listen port out of range");
  }
  return 0;
}
