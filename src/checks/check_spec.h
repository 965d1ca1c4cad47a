// The list of every check and its tunable parameters, with defaults. It is
// the single source for the config loader (which keys exist under
// `checks:`), for metrics (one redis_memwatch_finding series per check and
// severity), for docs and for the checks themselves.
#pragma once

#include <span>
#include <string_view>

#include "memwatch/finding.h"

namespace memwatch::checks {

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
  std::string_view name;
  std::string_view help;                 // one line, for docs and --help
  std::span<const Severity> severities;  // the severities it can raise
  std::span<const ParamSpec> params;
  bool enabled_by_default = true;
};

// Every check, in a stable order (the order of docs and doctor output).
std::span<const CheckSpec> AllChecks();

// nullptr when there is no such check.
const CheckSpec* FindCheck(std::string_view name);
const ParamSpec* FindParam(const CheckSpec& check, std::string_view key);

}  // namespace memwatch::checks
