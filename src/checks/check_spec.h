// One row of the check registry (check_registry.h): a check's name, the
// words people see, what it can raise, its tunable parameters with their
// defaults, and its factory.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "memwatch/finding.h"

namespace memwatch::checks {

class Check;

// How a parameter is written in YAML and stored in CheckSettings (as double).
enum class ParamKind {
  kPercent,   // "85%" or 0.85 -> 0.85
  kDuration,  // "15m" -> seconds (900)
  kSize,      // "100MiB" -> bytes
  kNumber,    // plain number (rates, counts, ratios)
};

struct ParamSpec {
  std::string_view key;
  ParamKind kind;
  double default_value;
  std::string_view help;
};

struct CheckSpec {
  std::string_view name;   // stable: config key, metric label, alert and runbook anchor
  std::string_view title;  // short, for people: subjects, headers ("writes rejected (OOM)")
  std::string_view help;   // one line, for docs and --help
  std::span<const Severity> severities;  // the severities it can raise
  std::span<const ParamSpec> params;
  bool enabled_by_default = true;
  // A fresh instance, whose name() is `name`.
  std::unique_ptr<Check> (*make)() = nullptr;
};

}  // namespace memwatch::checks
