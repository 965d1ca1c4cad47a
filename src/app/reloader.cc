#include "app/reloader.h"

#include <fmt/format.h>

namespace memwatch::app {

Reloader::Reloader(config::Config running, Reloadable* parts)
    : running_(std::move(running)), parts_(parts) {}

ReloadOutcome Reloader::Apply(config::Config next) {
  ReloadOutcome outcome;
  outcome.changes = DiffConfigs(running_, next);
  const ConfigChanges& changes = outcome.changes;
  if (changes.listen) {
    if (Status s = parts_->Listen(next.listen); !s.ok()) {
      outcome.failures.push_back(fmt::format("listen {}: {}; still serving {}", next.listen,
                                             s.message(), running_.listen));
      next.listen = running_.listen;
    }
  }
  if (changes.route_prefix) parts_->SetRoutePrefix(next.route_prefix);
  if (changes.alerting) {
    if (Status s = parts_->ConfigureAlerting(next.alerting); !s.ok()) {
      // Back to what ran: its state_dir worked a moment ago.
      Status restored = parts_->ConfigureAlerting(running_.alerting);
      outcome.failures.push_back(fmt::format(
          "alerting: {}; {}", s.message(),
          restored.ok()
              ? "the previous receivers keep delivering"
              : "alerts are not delivered until a reload succeeds: " + restored.message()));
      next.alerting = running_.alerting;
    }
  }
  if (changes.polling || changes.targets || changes.checks || changes.alerting ||
      changes.keyspace) {
    parts_->ApplyPolling(next);
  }
  running_ = std::move(next);
  return outcome;
}

}  // namespace memwatch::app
