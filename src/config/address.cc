#include "config/address.h"

#include <algorithm>
#include <charconv>
#include <string>

#include <fmt/format.h>

namespace memwatch::config {
namespace {

constexpr std::string_view kForms =
    "host:port, [ipv6]:port, unix:/path/redis.sock or redis://[user:password@]host:port[/db]";
constexpr int kRedisDefaultPort = 6379;

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsHostChar(char c) { return IsAlnum(c) || c == '.' || c == '-' || c == '_'; }
// Hex digits, separators, an embedded IPv4 and a zone id (fe80::1%eth0).
bool IsIpv6Char(char c) { return IsAlnum(c) || c == ':' || c == '.' || c == '%'; }

bool IsAllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<int> ParsePort(std::string_view text, int min_port) {
  int port = -1;
  if (IsAllDigits(text) && text.size() <= 5) {
    std::from_chars(text.data(), text.data() + text.size(), port);
  }
  if (port < min_port || port > 65535) {
    return Status::Error(
        fmt::format("port '{}' is not a number between {} and 65535", text, min_port));
  }
  return port;
}

struct SplitAddress {
  std::string host;  // IPv6 without brackets; may be empty when allowed
  std::optional<int> port;
  bool bracketed = false;
};

// Splits "host", "host:port", "[v6]" or "[v6]:port". Never sees credentials:
// callers strip everything up to a URL's last '@' first.
Result<SplitAddress> SplitHostPort(std::string_view text, int min_port, bool empty_host_ok) {
  SplitAddress out;
  std::string_view port_text;
  bool has_port = false;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == text.npos) return Status::Error("'[' of an IPv6 address is not closed by ']'");
    const std::string_view host = text.substr(1, close - 1);
    if (host.empty() || host.find(':') == host.npos ||
        !std::all_of(host.begin(), host.end(), IsIpv6Char)) {
      return Status::Error(fmt::format("'{}' in brackets is not an IPv6 address", host));
    }
    out.host = std::string(host);
    out.bracketed = true;
    const std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        return Status::Error(fmt::format("expected ':port' after ']', got '{}'", after));
      }
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const size_t colons = static_cast<size_t>(std::count(text.begin(), text.end(), ':'));
    if (colons > 1) {
      return Status::Error("an IPv6 address needs brackets, e.g. [::1]:6379");
    }
    const size_t colon = text.find(':');
    const std::string_view host = text.substr(0, colon);
    if (colon != text.npos) {
      has_port = true;
      port_text = text.substr(colon + 1);
    }
    if (host.empty() && !empty_host_ok) return Status::Error("the host name is missing");
    if (!std::all_of(host.begin(), host.end(), IsHostChar)) {
      return Status::Error(
          fmt::format("'{}' is not a host name (letters, digits, '.', '-' and '_' only)", host));
    }
    out.host = std::string(host);
  }
  if (has_port) {
    if (port_text.empty()) return Status::Error("the port is missing after ':'");
    Result<int> port = ParsePort(port_text, min_port);
    if (!port.ok()) return port.status();
    out.port = port.value();
  }
  return out;
}

std::string JoinHostPort(const SplitAddress& hp, int port) {
  return hp.bracketed ? fmt::format("[{}]:{}", hp.host, port) : fmt::format("{}:{}", hp.host, port);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = HexValue(text[i + 1]);
    const int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

Result<ParsedAddress> ParseUnix(std::string_view path) {
  if (path.empty() || path[0] != '/') {
    return Status::Error(
        "a unix socket path must be absolute, e.g. unix:/run/redis/redis-server.sock");
  }
  ParsedAddress out;
  out.endpoint.kind = Endpoint::Kind::kUnix;
  out.endpoint.path = std::string(path);
  out.display = fmt::format("unix:{}", path);
  return out;
}

// `rest` is the URL after "redis://", or after "rediss://" when `tls`.
Result<ParsedAddress> ParseRedisUrl(std::string_view rest, bool tls) {
  const std::string_view scheme = tls ? "rediss" : "redis";
  // Split at the last '@': an unescaped '@' in a password then stays on the
  // credentials side, which is never quoted in a message.
  const size_t at = rest.rfind('@');
  const std::string_view userinfo = at == rest.npos ? std::string_view() : rest.substr(0, at);
  const std::string_view hostpart = at == rest.npos ? rest : rest.substr(at + 1);
  if (hostpart.find_first_of("?#") != hostpart.npos) {
    return Status::Error(
        fmt::format("query parameters ('?...') are not supported in a {}:// URL", scheme));
  }
  const size_t slash = hostpart.find('/');
  const std::string_view authority = hostpart.substr(0, slash);
  const std::string_view db_text =
      slash == hostpart.npos ? std::string_view() : hostpart.substr(slash + 1);

  ParsedAddress out;
  out.tls = tls;
  if (!db_text.empty()) {
    int db = -1;
    if (IsAllDigits(db_text) && db_text.size() <= 6) {
      std::from_chars(db_text.data(), db_text.data() + db_text.size(), db);
    }
    if (db < 0) {
      return Status::Error(fmt::format("the database '/{}' is not a number, e.g. {}://host:6379/0",
                                       db_text, scheme));
    }
    out.endpoint.db = db;
  }
  if (authority.empty()) {
    return Status::Error(fmt::format("the host name is missing, e.g. {}://host:6379", scheme));
  }
  Result<SplitAddress> hp = SplitHostPort(authority, 1, /*empty_host_ok=*/false);
  if (!hp.ok()) return hp.status();
  out.endpoint.kind = Endpoint::Kind::kTcp;
  out.endpoint.host = hp.value().host;
  out.endpoint.port = hp.value().port.value_or(kRedisDefaultPort);

  std::string_view user_raw;
  if (at != rest.npos) {
    const size_t colon = userinfo.find(':');
    user_raw = userinfo.substr(0, colon);
    std::optional<std::string> user = PercentDecode(user_raw);
    if (!user) return Status::Error("invalid percent-encoding (%XX) in the URL's user name");
    if (!user->empty()) out.username = std::move(*user);
    if (colon != userinfo.npos) {
      std::optional<std::string> pass = PercentDecode(userinfo.substr(colon + 1));
      if (!pass) return Status::Error("invalid percent-encoding (%XX) in the URL's password");
      if (!pass->empty()) out.password = Secret(std::move(*pass));
    }
  }
  std::string credentials;
  if (out.username || out.password) {
    credentials = fmt::format("{}{}@", out.username ? user_raw : "", out.password ? ":***" : "");
  }
  out.display = fmt::format("{}://{}{}/{}", scheme, credentials,
                            JoinHostPort(hp.value(), out.endpoint.port), out.endpoint.db);
  return out;
}

}  // namespace

Result<ParsedAddress> ParseAddress(std::string_view text) {
  if (text.empty()) return Status::Error(fmt::format("expected an address: {}", kForms));
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return Status::Error("the address contains control characters");
  }
  const size_t scheme_end = text.find("://");
  if (scheme_end != text.npos) {
    const std::string scheme = Lower(text.substr(0, scheme_end));
    const std::string_view rest = text.substr(scheme_end + 3);
    if (scheme == "redis") return ParseRedisUrl(rest, /*tls=*/false);
    if (scheme == "rediss") return ParseRedisUrl(rest, /*tls=*/true);
    if (scheme == "unix") return ParseUnix(rest);
    if (std::all_of(scheme.begin(), scheme.end(), IsAlnum)) {
      return Status::Error(fmt::format("unsupported scheme '{}://'; use {}", scheme, kForms));
    }
    return Status::Error(fmt::format("expected an address: {}", kForms));
  }
  if (text.size() >= 5 && Lower(text.substr(0, 5)) == "unix:") return ParseUnix(text.substr(5));
  if (text.find('@') != text.npos) {
    // Probably user:password@host: say what to do without repeating it.
    return Status::Error(
        "credentials are only accepted in a redis:// URL: redis://user:password@host:port");
  }
  Result<SplitAddress> hp = SplitHostPort(text, 1, /*empty_host_ok=*/false);
  if (!hp.ok()) return hp.status();
  if (!hp.value().port) {
    return Status::Error(
        fmt::format("the port is missing: write {}", JoinHostPort(hp.value(), kRedisDefaultPort)));
  }
  ParsedAddress out;
  out.endpoint.kind = Endpoint::Kind::kTcp;
  out.endpoint.host = hp.value().host;
  out.endpoint.port = *hp.value().port;
  out.display = std::string(text);
  return out;
}

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  constexpr std::string_view kListenForms = "host:port, [ipv6]:port or :port, e.g. 127.0.0.1:9479";
  if (text.empty()) return Status::Error(fmt::format("expected {}", kListenForms));
  Result<SplitAddress> hp = SplitHostPort(text, 0, /*empty_host_ok=*/true);
  if (!hp.ok())
    return Status::Error(fmt::format("{}; expected {}", hp.status().message(), kListenForms));
  if (!hp.value().port) {
    return Status::Error(fmt::format("the port is missing; expected {}", kListenForms));
  }
  return ListenAddress{hp.value().host, *hp.value().port};
}

Result<HostPort> ParseHostPort(std::string_view text, int example_port) {
  if (text.empty()) return Status::Error("expected host:port, e.g. smtp.example.com:587");
  Result<SplitAddress> hp = SplitHostPort(text, 1, /*empty_host_ok=*/false);
  if (!hp.ok()) return hp.status();
  if (!hp.value().port) {
    return Status::Error(
        fmt::format("the port is missing: write {}", JoinHostPort(hp.value(), example_port)));
  }
  return HostPort{hp.value().host, *hp.value().port};
}

}  // namespace memwatch::config
