// Where a Redis listens, as a person writes it: host:port, [ipv6]:port,
// unix:/path/redis.sock, redis://[user[:password]@]host[:port][/db] or the
// same with rediss:// (TLS).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "memwatch/result.h"
#include "memwatch/secret.h"

namespace memwatch::config {

struct ParsedAddress {
  Endpoint endpoint;
  std::optional<std::string> username;  // from a redis:// URL, percent-decoded
  std::optional<Secret> password;       // from a redis:// URL, percent-decoded
  bool tls = false;                     // written as rediss://
  // Safe to log: the address with any password replaced by ***. A redis://
  // or rediss:// URL is shown in full form, redis://user:***@host:6379/0;
  // other forms as written.
  std::string display;
};

// Parses one Redis address (a target's `address:`, or `doctor ADDRESS`).
//   host:port            port 1..65535; IPv6 needs brackets: [::1]:6379
//   unix:/path           absolute path (unix:///path too)
//   redis://[user[:pass]@]host[:port][/db]
//                        port defaults to 6379, db to 0; user and pass are
//                        percent-decoded; an empty user or pass counts as
//                        absent (redis://:pass@host sets only a password)
//   rediss://...         as redis://, and sets `tls`
// Error messages never contain the password, nor the part of a URL before
// its last '@'.
Result<ParsedAddress> ParseAddress(std::string_view text);

// The HTTP endpoint's `listen:` address: host:port, [ipv6]:port or :port
// (all interfaces). Port 0 is accepted: the OS picks a free port, which the
// tests use.
struct ListenAddress {
  std::string host;  // "" for all interfaces; IPv6 without brackets
  int port = 0;
};
Result<ListenAddress> ParseListenAddress(std::string_view text);

// A server that is not Redis, such as an email receiver's `smtp:`:
// host:port or [ipv6]:port, the port required. `example_port` is the port
// the message suggests when it is missing.
struct HostPort {
  std::string host;  // IPv6 without brackets
  int port = 0;
};
Result<HostPort> ParseHostPort(std::string_view text, int example_port);

}  // namespace memwatch::config
