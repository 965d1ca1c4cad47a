// Command-line parsing: pure, from argv to a Command value or a usage error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/result.h"
#include "memwatch/tls_settings.h"

namespace memwatch::app {

// Exit codes of the daemon and of --check-config.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // runtime failure
inline constexpr int kExitConfig = 2;   // bad configuration or usage
inline constexpr int kExitListen = 3;   // the HTTP address cannot be bound

// How long doctor's keyspace scan runs at most when --scan-time is not given.
inline constexpr Duration kDefaultScanTime = std::chrono::seconds(10);

struct Command {
  enum class Kind { kDaemon, kCheckConfig, kDoctor, kTestAlert, kVersion, kHelp };
  Kind kind = Kind::kHelp;
  std::string config_path;             // --config
  std::string log_level = "info";      // --log-level
  std::optional<std::string> url;      // doctor redis://...
  bool json = false;                   // doctor --format json
  std::optional<std::string> timeout;  // doctor --timeout (a duration)
  // doctor --scan-time: how long the keyspace scan may run, > 0; nullopt
  // when not given (kDefaultScanTime applies).
  std::optional<Duration> scan_time;
  bool no_scan = false;                 // doctor --no-scan: no keyspace scan at all
  std::optional<std::string> receiver;  // test-alert --receiver NAME
  // doctor --tls-*: TLS for the address (set iff any --tls-* flag is given;
  // rediss:// turns TLS on without them).
  std::optional<TlsSettings> tls;
};

Result<Command> ParseCommandLine(const std::vector<std::string>& args);

// The text of --help.
std::string UsageText();

}  // namespace memwatch::app
