#include "config/checks_reader.h"

#include <string>
#include <vector>

#include <fmt/format.h>

#include "checks/check_registry.h"

namespace memwatch::config {
namespace {

constexpr std::string_view kEnabled = "enabled";

// Returns the value in base units, or nullopt after reporting the problem.
std::optional<double> ReadParam(Walker& walker, const Value& value, checks::ParamKind kind) {
  switch (kind) {
    case checks::ParamKind::kPercent:
      return walker.Percent(value);
    case checks::ParamKind::kDuration: {
      std::optional<Duration> d = walker.PositiveDuration(value);
      if (!d) return std::nullopt;
      return static_cast<double>(d->count()) / 1000.0;  // seconds
    }
    case checks::ParamKind::kSize: {
      std::optional<int64_t> bytes = walker.PositiveSize(value);
      if (!bytes) return std::nullopt;
      return static_cast<double>(*bytes);
    }
    case checks::ParamKind::kNumber:
      return walker.PositiveNumber(value);
  }
  return std::nullopt;
}

void ReadOneCheck(Walker& walker, const checks::CheckSpec& spec, const Value& settings,
                  checks::CheckOverride& out) {
  if (!settings.node.IsMap()) {
    const std::string example = spec.params.empty()
                                    ? "{enabled: false}"
                                    : fmt::format("{{enabled: true, {}: ...}}", spec.params[0].key);
    walker.Error(settings, fmt::format("expected a mapping of settings such as {}, found {}",
                                       example, Walker::Describe(settings.node)));
    return;
  }
  std::vector<std::string_view> allowed{kEnabled};
  for (const checks::ParamSpec& p : spec.params) allowed.push_back(p.key);
  walker.ForEachEntry(settings, [&](const Entry& entry) {
    if (entry.key == kEnabled) {
      if (std::optional<bool> enabled = walker.Bool(entry.value)) out.enabled = *enabled;
      return;
    }
    const checks::ParamSpec* param = checks::FindParam(spec, entry.key);
    if (param == nullptr) {
      walker.UnknownKey(entry, allowed, "setting");
      return;
    }
    if (std::optional<double> v = ReadParam(walker, entry.value, param->kind)) {
      out.params[entry.key] = *v;
    }
  });
}

}  // namespace

void ReadChecksBlock(Walker& walker, const Value& block, checks::ChecksBlock& out) {
  if (block.node.IsNull()) return;
  std::vector<std::string_view> names;
  for (const checks::CheckSpec& c : checks::AllChecks()) names.push_back(c.name);
  walker.ForEachEntry(block, [&](const Entry& entry) {
    const checks::CheckSpec* spec = checks::FindCheck(entry.key);
    if (spec == nullptr) {
      walker.UnknownKey(entry, names, "check");
      return;
    }
    ReadOneCheck(walker, *spec, entry.value, out[entry.key]);
  });
}

}  // namespace memwatch::config
