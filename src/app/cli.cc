#include "app/cli.h"

#include <string_view>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "config/duration.h"

namespace memwatch::app {
namespace {

bool IsLogLevel(const std::string& l) {
  return l == "trace" || l == "debug" || l == "info" || l == "warn" || l == "error" ||
         l == "critical" || l == "off";
}

}  // namespace

std::string UsageText() {
  return R"(redis-memwatch: keeps Redis from running out of memory unnoticed.

Usage:
  redis-memwatch --config FILE [--log-level LEVEL]   run the daemon
  redis-memwatch --config FILE --check-config        validate the config and exit
  redis-memwatch doctor redis://[user:pass@]host:port [--format text|json] [--timeout 2s]
                        [--scan-time 10s | --no-scan]
  redis-memwatch doctor rediss://host:port [--tls-ca-file F] [--tls-cert-file F --tls-key-file F]
                        [--tls-server-name NAME] [--tls-insecure-skip-verify]
  redis-memwatch doctor --config FILE [--format text|json] [--timeout 2s]
                        [--scan-time 10s | --no-scan]
  redis-memwatch test-alert --config FILE [--receiver NAME]
                                                     send a test message to each receiver
  redis-memwatch --version | --help

Options:
  --config FILE      YAML configuration (see docs/configuration.md)
  --log-level LEVEL  trace, debug, info (default), warn, error, critical, off
  --check-config     exit 0 if the config is valid, 2 with its errors otherwise
  --format FORMAT    doctor output: text (default) or json
  --timeout DUR      doctor: per-request timeout (default: the config's, else 2s)
  --scan-time DUR    doctor: sample the keyspace (SCAN) for at most this long (default 10s)
                     to show which key prefixes fill memory and which have no TTL
  --no-scan          doctor: skip the keyspace scan
  --receiver NAME    test-alert: only this receiver
  --tls-ca-file F, --tls-cert-file F, --tls-key-file F, --tls-server-name NAME,
  --tls-insecure-skip-verify
                     doctor ADDRESS: TLS as a target's tls: block sets it (any of
                     them turns TLS on, as rediss:// does)

Exit codes: daemon 0 stopped, 1 failure, 2 bad config, 3 cannot listen;
doctor 0 healthy, 1 warnings, 2 critical, 3 could not connect or bad config;
test-alert 0 all delivered, 1 any failed, 2 bad config or no such receiver.
)";
}

namespace {

using Apply = Status (*)(Command* cmd, const std::string& value);

Status SetConfig(Command* cmd, const std::string& value) {
  cmd->config_path = value;
  return Status::Ok();
}

Status SetLogLevel(Command* cmd, const std::string& value) {
  if (!IsLogLevel(value)) {
    return Status::Error(fmt::format(
        "--log-level: '{}' is not one of trace, debug, info, warn, error, critical, off", value));
  }
  cmd->log_level = value;
  return Status::Ok();
}

Status SetFormat(Command* cmd, const std::string& value) {
  if (value != "text" && value != "json") return Status::Error("--format: expected text or json");
  cmd->json = value == "json";
  return Status::Ok();
}

Status SetTimeout(Command* cmd, const std::string& value) {
  cmd->timeout = value;
  return Status::Ok();
}

Status SetScanTime(Command* cmd, const std::string& value) {
  Result<Duration> d = config::ParseDuration(value);
  if (!d.ok()) return Status::Error(fmt::format("--scan-time: {}", d.status().message()));
  if (d.value() <= Duration::zero()) {
    return Status::Error(
        "--scan-time: expected a duration above zero, like 10s (--no-scan skips "
        "the keyspace scan)");
  }
  cmd->scan_time = d.value();
  return Status::Ok();
}

Status SetReceiver(Command* cmd, const std::string& value) {
  cmd->receiver = value;
  return Status::Ok();
}

TlsSettings& Tls(Command* cmd) {
  if (!cmd->tls.has_value()) cmd->tls.emplace();
  return *cmd->tls;
}

Status SetTlsCaFile(Command* cmd, const std::string& value) {
  Tls(cmd).ca_file = value;
  return Status::Ok();
}

Status SetTlsCertFile(Command* cmd, const std::string& value) {
  Tls(cmd).cert_file = value;
  return Status::Ok();
}

Status SetTlsKeyFile(Command* cmd, const std::string& value) {
  Tls(cmd).key_file = value;
  return Status::Ok();
}

Status SetTlsServerName(Command* cmd, const std::string& value) {
  Tls(cmd).server_name = value;
  return Status::Ok();
}

// An option that takes a value (`--flag V` or `--flag=V`), and the command
// it belongs to (nullopt: every command).
struct ValueOption {
  std::string_view flag;
  std::string_view alias;
  std::optional<Command::Kind> only;
  Apply apply;
};

constexpr ValueOption kValueOptions[] = {
    {"--config", "-c", std::nullopt, &SetConfig},
    {"--log-level", "", std::nullopt, &SetLogLevel},
    {"--format", "", Command::Kind::kDoctor, &SetFormat},
    {"--timeout", "", Command::Kind::kDoctor, &SetTimeout},
    {"--scan-time", "", Command::Kind::kDoctor, &SetScanTime},
    {"--receiver", "", Command::Kind::kTestAlert, &SetReceiver},
    {"--tls-ca-file", "", Command::Kind::kDoctor, &SetTlsCaFile},
    {"--tls-cert-file", "", Command::Kind::kDoctor, &SetTlsCertFile},
    {"--tls-key-file", "", Command::Kind::kDoctor, &SetTlsKeyFile},
    {"--tls-server-name", "", Command::Kind::kDoctor, &SetTlsServerName},
};

const ValueOption* FindValueOption(std::string_view flag, Command::Kind kind) {
  for (const ValueOption& o : kValueOptions) {
    if ((flag == o.flag || (!o.alias.empty() && flag == o.alias)) &&
        (!o.only.has_value() || *o.only == kind)) {
      return &o;
    }
  }
  return nullptr;
}

// The subcommand args[0] names (the daemon when none), and where its
// options start.
std::pair<Command::Kind, size_t> Subcommand(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "doctor") return {Command::Kind::kDoctor, 1};
  if (!args.empty() && args[0] == "test-alert") return {Command::Kind::kTestAlert, 1};
  return {Command::Kind::kDaemon, 0};
}

// What each command needs once every argument is read.
Status Finish(Command* cmd, bool check_config) {
  if (cmd->kind == Command::Kind::kDoctor) {
    if (cmd->url.has_value() == !cmd->config_path.empty()) {
      return Status::Error("doctor needs either a redis:// address or --config FILE");
    }
    if (cmd->no_scan && cmd->scan_time.has_value()) {
      return Status::Error("--scan-time does not go with --no-scan");
    }
    if (cmd->tls.has_value() && !cmd->url.has_value()) {
      return Status::Error("--tls-* options go with a doctor ADDRESS; with --config, use tls:");
    }
    if (cmd->tls.has_value() && cmd->tls->cert_file.empty() != cmd->tls->key_file.empty()) {
      return Status::Error("--tls-cert-file and --tls-key-file go together");
    }
    return Status::Ok();
  }
  if (cmd->config_path.empty()) return Status::Error("--config FILE is required");
  if (cmd->kind == Command::Kind::kTestAlert) {
    if (check_config) return Status::Error("--check-config does not go with test-alert");
    return Status::Ok();
  }
  if (check_config) cmd->kind = Command::Kind::kCheckConfig;
  return Status::Ok();
}

}  // namespace

Result<Command> ParseCommandLine(const std::vector<std::string>& args) {
  Command cmd;
  size_t i = 0;
  std::tie(cmd.kind, i) = Subcommand(args);
  bool check_config = false;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    const size_t eq = a.starts_with("--") ? a.find('=') : std::string::npos;
    const std::string flag = a.substr(0, eq);
    if (flag == "--help" || flag == "-h" || flag == "--version") {
      cmd.kind = flag == "--version" ? Command::Kind::kVersion : Command::Kind::kHelp;
      return cmd;
    }
    if (flag == "--check-config") {
      check_config = true;
    } else if (a == "--no-scan" && cmd.kind == Command::Kind::kDoctor) {
      cmd.no_scan = true;
    } else if (flag == "--tls-insecure-skip-verify" && cmd.kind == Command::Kind::kDoctor) {
      Tls(&cmd).insecure_skip_verify = true;
    } else if (const ValueOption* option = FindValueOption(flag, cmd.kind)) {
      if (eq == std::string::npos && i + 1 >= args.size()) {
        return Status::Error(fmt::format("{} needs a value", flag));
      }
      const std::string value = eq != std::string::npos ? a.substr(eq + 1) : args[++i];
      if (Status s = option->apply(&cmd, value); !s.ok()) return s;
    } else if (cmd.kind == Command::Kind::kDoctor && !a.starts_with("-") && !cmd.url) {
      cmd.url = a;
    } else {
      // Never echo a positional argument: it may be a URL with a password.
      return Status::Error(a.starts_with("-") ? fmt::format("unknown option {}", flag)
                                              : "unexpected argument");
    }
  }
  if (Status s = Finish(&cmd, check_config); !s.ok()) return s;
  return cmd;
}

}  // namespace memwatch::app
