// Where a Redis listens: what the config parses from an address and the
// poller connects to. A value type of its own, so the poller needs neither
// the config nor what the config holds (alerting, checks).
#pragma once

#include <string>

namespace memwatch {

struct Endpoint {
  enum class Kind { kTcp, kUnix };
  Kind kind = Kind::kTcp;
  std::string host;  // kTcp: name or IP, without brackets for IPv6
  int port = 6379;   // kTcp
  std::string path;  // kUnix
  int db = 0;        // from redis://.../N; informational (INFO is server-wide)
  bool operator==(const Endpoint&) const = default;
};

}  // namespace memwatch
