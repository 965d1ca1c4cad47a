// Resolved per-target check settings: defaults from the registry, overridden
// by the global `checks:` block, overridden by the target's own `checks:`.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace memwatch::checks {

struct CheckOverride {
  std::optional<bool> enabled;
  std::map<std::string, double, std::less<>> params;  // key -> value in base units
  bool operator==(const CheckOverride&) const = default;
};

// check name -> override, as written in one `checks:` block.
using ChecksBlock = std::map<std::string, CheckOverride, std::less<>>;

class CheckSettings {
 public:
  CheckSettings() = default;
  // Later blocks win: Merge(global, target).
  static CheckSettings Merge(const ChecksBlock& global, const ChecksBlock& target);

  bool Enabled(std::string_view check) const;
  // The parameter's value (base units: fraction, seconds, bytes). Asks the
  // spec for the default when not overridden. Unknown check/key is a bug.
  double Param(std::string_view check, std::string_view key) const;

 private:
  ChecksBlock merged_;
};

}  // namespace memwatch::checks
