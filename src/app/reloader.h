// Applies a newly loaded configuration to the running daemon, part by part,
// and says what changed and what could not be applied. The parts sit
// behind Reloadable, so unit tests drive whole reloads on fakes.
//
// Order matters: the metrics endpoint first (independent of the rest);
// alert delivery before polling, so a receiver the new config names exists
// before the first notification for it is produced; polling last (targets,
// interval, timeout, check settings and the alerting policy).
//
// A part that fails keeps what it ran before, and the running config keeps
// its old value for that part, so the next reload tries it again: a listen
// address that cannot be bound leaves the old one serving; a state_dir that
// cannot be used leaves the previous receivers delivering.
#pragma once

#include <string>
#include <vector>

#include "alerting/alerting_config.h"
#include "app/config_changes.h"
#include "config/config.h"
#include "memwatch/result.h"

namespace memwatch::app {

// The running parts of the daemon, as a reload sees them.
class Reloadable {
 public:
  virtual ~Reloadable() = default;
  // Serves the metrics endpoint on `address`, bound before the current one
  // closes. On failure the current one keeps serving.
  virtual Status Listen(const std::string& address) = 0;
  // Serves everything under `prefix` ("" for the root) from the next
  // request on. Cannot fail: the config loader validated it.
  virtual void SetRoutePrefix(const std::string& prefix) = 0;
  // Applies state_dir, alerting: and receivers: to alert delivery.
  virtual Status ConfigureAlerting(const alerting::AlertingConfig& alerting) = 0;
  // Applies targets, interval, timeout, check settings and the alerting
  // policy to polling, from the next poll of every target, and targets and
  // keyspace settings to the keyspace sampler. Cannot fail.
  virtual void ApplyPolling(const config::Config& config) = 0;
};

struct ReloadOutcome {
  ConfigChanges changes;
  // One line per part that could not be applied, e.g. "listen
  // 127.0.0.1:9479: cannot listen on ...; still serving 127.0.0.1:9100".
  std::vector<std::string> failures;
  bool ok() const { return failures.empty(); }
};

class Reloader {
 public:
  // `running` is what the parts run now; `parts` is not owned.
  Reloader(config::Config running, Reloadable* parts);

  // Applies what differs between the running config and `next`.
  ReloadOutcome Apply(config::Config next);

  const config::Config& running() const { return running_; }

 private:
  config::Config running_;
  Reloadable* const parts_;
};

}  // namespace memwatch::app
