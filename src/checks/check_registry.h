// Every check, in one table (check_registry.cc): the single source for the
// engine (which checks run, in which order), the config loader (which keys
// exist under `checks:`), metrics (one redis_memwatch_finding series per
// check and severity), notifiers (titles) and, through tests, the docs,
// alert rules and runbook.
//
// Adding a check is one file, <name>_check.cc, defining New<Name>Check(),
// plus one row in check_registry.cc (beside its factory's declaration):
// name, title, help, severities, parameters and factory.
#pragma once

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "checks/check_spec.h"

namespace memwatch::checks {

// Every check, in a stable order (the order of docs, doctor output and
// findings).
std::span<const CheckSpec> AllChecks();

// nullptr when there is no such check.
const CheckSpec* FindCheck(std::string_view name);
const ParamSpec* FindParam(const CheckSpec& check, std::string_view key);

// The findings about a group as a whole (issue 15: a Sentinel group, a
// cluster), raised by its discovery rather than by a check of each node.
// Not under `checks:` (nothing to tune per node), but alerting.for and
// receivers' `checks` filters take their names like any check's.
struct GroupCheckSpec {
  std::string_view name;
  std::string_view title;          // for messages, as CheckSpec::title
  std::string_view discovered_by;  // the groups that raise it: "sentinel" or "cluster"
  std::span<const Severity> severities;
};
std::span<const GroupCheckSpec> GroupChecks();
const GroupCheckSpec* FindGroupCheck(std::string_view name);

// The checks a Sentinel group evaluates once, on its data set (fed by
// whichever node the sentinels name primary), instead of on each node: a
// failover moves the data whole, and these read its trend. They keep their
// series per node (redis_memwatch_finding) and are also exported under the
// group (redis_memwatch_group_finding), where they are alerted.
std::span<const std::string_view> SentinelDataSetChecks();
bool IsSentinelDataSetCheck(std::string_view check);

// What alerting.for and receivers' `checks` take: every check, then every
// group check.
std::vector<std::string_view> AlertableCheckNames();
bool IsAlertableCheck(std::string_view name);

// One fresh instance of every check, in AllChecks() order.
std::vector<std::unique_ptr<Check>> NewAllChecks();

}  // namespace memwatch::checks
