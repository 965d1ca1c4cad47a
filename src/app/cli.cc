#include "app/cli.h"

#include <fmt/format.h>

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
  redis-memwatch doctor --config FILE [--format text|json] [--timeout 2s]
  redis-memwatch test-alert --config FILE [--receiver NAME]
                                                     send a test message to each receiver
  redis-memwatch --version | --help

Options:
  --config FILE      YAML configuration (see docs/configuration.md)
  --log-level LEVEL  trace, debug, info (default), warn, error, critical, off
  --check-config     exit 0 if the config is valid, 2 with its errors otherwise
  --format FORMAT    doctor output: text (default) or json
  --timeout DUR      doctor: per-request timeout (default: the config's, else 2s)
  --receiver NAME    test-alert: only this receiver

Exit codes: daemon 0 stopped, 1 failure, 2 bad config, 3 cannot listen;
doctor 0 healthy, 1 warnings, 2 critical, 3 could not connect or bad config;
test-alert 0 all delivered, 1 any failed, 2 bad config or no such receiver.
)";
}

Result<Command> ParseCommandLine(const std::vector<std::string>& args) {
  Command cmd;
  cmd.kind = Command::Kind::kDaemon;
  size_t i = 0;
  if (!args.empty() && args[0] == "doctor") {
    cmd.kind = Command::Kind::kDoctor;
    i = 1;
  } else if (!args.empty() && args[0] == "test-alert") {
    cmd.kind = Command::Kind::kTestAlert;
    i = 1;
  }
  bool check_config = false;
  auto value = [&](const std::string& flag) -> Result<std::string> {
    if (i + 1 >= args.size()) return Status::Error(fmt::format("{} needs a value", flag));
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string flag = a;
    std::optional<std::string> inline_value;
    if (size_t eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      flag = a.substr(0, eq);
      inline_value = a.substr(eq + 1);
    }
    auto take = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      return value(flag);
    };
    if (flag == "--help" || flag == "-h") {
      cmd.kind = Command::Kind::kHelp;
      return cmd;
    } else if (flag == "--version") {
      cmd.kind = Command::Kind::kVersion;
      return cmd;
    } else if (flag == "--check-config") {
      check_config = true;
    } else if (flag == "--config" || flag == "-c") {
      Result<std::string> v = take();
      if (!v.ok()) return v.status();
      cmd.config_path = v.value();
    } else if (flag == "--log-level") {
      Result<std::string> v = take();
      if (!v.ok()) return v.status();
      if (!IsLogLevel(v.value())) {
        return Status::Error(fmt::format(
            "--log-level: '{}' is not one of trace, debug, info, warn, error, critical, off",
            v.value()));
      }
      cmd.log_level = v.value();
    } else if (flag == "--format" && cmd.kind == Command::Kind::kDoctor) {
      Result<std::string> v = take();
      if (!v.ok()) return v.status();
      if (v.value() != "text" && v.value() != "json") {
        return Status::Error("--format: expected text or json");
      }
      cmd.json = v.value() == "json";
    } else if (flag == "--timeout" && cmd.kind == Command::Kind::kDoctor) {
      Result<std::string> v = take();
      if (!v.ok()) return v.status();
      cmd.timeout = v.value();
    } else if (flag == "--receiver" && cmd.kind == Command::Kind::kTestAlert) {
      Result<std::string> v = take();
      if (!v.ok()) return v.status();
      cmd.receiver = v.value();
    } else if (cmd.kind == Command::Kind::kDoctor && !a.starts_with("-") && !cmd.url) {
      cmd.url = a;
    } else {
      // Never echo a positional argument: it may be a URL with a password.
      return Status::Error(a.starts_with("-") ? fmt::format("unknown option {}", flag)
                                              : "unexpected argument");
    }
  }
  if (cmd.kind == Command::Kind::kDoctor) {
    if (cmd.url.has_value() == !cmd.config_path.empty()) {
      return Status::Error("doctor needs either a redis:// address or --config FILE");
    }
    return cmd;
  }
  if (cmd.config_path.empty()) return Status::Error("--config FILE is required");
  if (cmd.kind == Command::Kind::kTestAlert) {
    if (check_config) return Status::Error("--check-config does not go with test-alert");
    return cmd;
  }
  if (check_config) cmd.kind = Command::Kind::kCheckConfig;
  return cmd;
}

}  // namespace memwatch::app
