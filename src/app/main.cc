// Wiring only: parse the command line, set up logging, dispatch.
#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/cli.h"
#include "app/daemon.h"
#include "app/doctor_command.h"
#include "app/systemd_notify.h"
#include "app/test_alert_command.h"
#include "config/config_loader.h"

namespace {

using memwatch::app::Command;

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("redis-memwatch");
  // journald adds its own timestamps; keep ours for terminals and files.
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

int PrintConfigErrors(const memwatch::config::LoadResult& r) {
  (void)std::fputs(memwatch::config::ErrorReport(r.errors).c_str(), stderr);
  return memwatch::app::kExitConfig;
}

}  // namespace

// Expected failures are values; an exception escaping main is a bug, and
// std::terminate's abort (with a core) is the right answer to it.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  std::vector<std::string> args(argv + 1, argv + argc);
  memwatch::Result<Command> parsed = memwatch::app::ParseCommandLine(args);
  if (!parsed.ok()) {
    (void)std::fprintf(stderr, "redis-memwatch: %s\n\n%s", parsed.status().message().c_str(),
                       memwatch::app::UsageText().c_str());
    return memwatch::app::kExitConfig;
  }
  const Command& cmd = parsed.value();
  switch (cmd.kind) {
    case Command::Kind::kHelp:
      (void)std::fputs(memwatch::app::UsageText().c_str(), stdout);
      return 0;
    case Command::Kind::kVersion:
      std::printf("redis-memwatch %s\n", MEMWATCH_VERSION);
      return 0;
    case Command::Kind::kDoctor:
      SetUpLogging(cmd.log_level == "info" ? "warn" : cmd.log_level);
      return memwatch::app::RunDoctor(cmd);
    case Command::Kind::kTestAlert:
      SetUpLogging(cmd.log_level == "info" ? "warn" : cmd.log_level);
      return memwatch::app::RunTestAlert(cmd);
    case Command::Kind::kCheckConfig:
    case Command::Kind::kDaemon:
      break;
  }

  // glibc gives each thread that allocates its own arena (up to 8 per
  // core), each keeping freed memory: with 64 HTTP workers and a worker per
  // receiver that is megabytes of RSS that only grows as more threads get
  // used. The hot path (polling, checks) runs on one thread; two arenas
  // are plenty and keep RSS flat.
  // Before any thread exists: mallopt is then safe.
  (void)mallopt(M_ARENA_MAX, 2);  // NOLINT(concurrency-mt-unsafe)
  memwatch::app::BlockDaemonSignals();
  SetUpLogging(cmd.log_level);
  memwatch::config::LoadResult loaded =
      memwatch::config::LoadConfigFile(cmd.config_path, memwatch::config::ProcessEnv());
  if (!loaded.ok()) return PrintConfigErrors(loaded);
  if (cmd.kind == Command::Kind::kCheckConfig) {
    std::printf("%s: OK, %zu target(s)\n", cmd.config_path.c_str(), loaded.config->targets.size());
    return 0;
  }
  memwatch::app::SocketSystemdNotifier notifier;
  return memwatch::app::RunDaemon(std::move(*loaded.config), cmd.config_path, &notifier);
}
