#include "checks/managed_fix.h"

#include <cmath>
#include <optional>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "checks/format.h"
#include "memwatch/units.h"

namespace memwatch::checks {
namespace {

// One setting as the provider names and spells it.
struct Setting {
  std::string name;
  std::string value;
};

// client-output-buffer-limit's replica class ("replica 256mb 64mb 60") as
// ElastiCache's three parameters, in bytes and seconds.
std::vector<Setting> ElastiCacheReplicaBufferLimit(const std::string& value) {
  std::vector<std::string_view> words;
  std::string_view rest = value;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    words.push_back(rest.substr(0, space));
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  }
  if (words.size() != 4 || words[0] != "replica") return {};
  const std::optional<int64_t> hard = ParseRedisSizeArg(words[1]);
  const std::optional<int64_t> soft = ParseRedisSizeArg(words[2]);
  if (!hard.has_value() || !soft.has_value()) return {};
  return {{"client-output-buffer-limit-replica-hard-limit", std::to_string(*hard)},
          {"client-output-buffer-limit-replica-soft-limit", std::to_string(*soft)},
          {"client-output-buffer-limit-replica-soft-seconds", std::string(words[3])}};
}

// The provider's settings for one change; empty when it offers none.
std::vector<Setting> SettingsFor(const ConfigChange& c, Provider p) {
  const std::string value = c.bytes.has_value() ? std::to_string(*c.bytes) : c.value;
  switch (p) {
    case Provider::kElastiCache:
      if (c.directive == "maxmemory") return {};
      if (c.directive == "client-output-buffer-limit")
        return ElastiCacheReplicaBufferLimit(c.value);
      return {{c.directive, value}};  // parameters share Redis's names, sizes in bytes
    case Provider::kAzure:
      if (c.directive == "maxmemory-policy") return {{c.directive, c.value}};
      return {};
    case Provider::kMemorystore:
      if (c.directive == "maxmemory" && c.bytes.has_value()) {
        const double gb = std::floor(static_cast<double>(*c.bytes) / kGiB * 10) / 10;
        return {{"maxmemory-gb", fmt::format("{:.1f}", gb)}};
      }
      if (c.directive == "maxmemory-policy" || c.directive == "activedefrag") {
        return {{c.directive, c.value}};
      }
      return {};
    case Provider::kSelfManaged:
      break;
  }
  return {{c.directive, c.value}};
}

std::string Command(const std::vector<Setting>& settings, Provider p) {
  std::string out;
  switch (p) {
    case Provider::kElastiCache:
      out =
          "aws elasticache modify-cache-parameter-group --cache-parameter-group-name "
          "<parameter-group> --parameter-name-values";
      for (const Setting& s : settings) {
        out += fmt::format(" \"ParameterName={},ParameterValue={}\"", s.name, s.value);
      }
      return out;
    case Provider::kAzure:
      out = "az redis update --name <cache-name> --resource-group <resource-group>";
      for (const Setting& s : settings) {
        out += fmt::format(" --set \"redisConfiguration.{}\"=\"{}\"", s.name, s.value);
      }
      return out;
    case Provider::kMemorystore: {
      std::string pairs;
      for (const Setting& s : settings) {
        pairs += fmt::format("{}{}={}", pairs.empty() ? "" : ",", s.name, s.value);
      }
      return "gcloud redis instances update <instance> --region=<region> --update-redis-config=" +
             pairs;
    }
    case Provider::kSelfManaged:
      break;
  }
  return out;
}

std::string_view Where(Provider p) {
  switch (p) {
    case Provider::kElastiCache:
      return "in the cache's parameter group (a custom one: default.* groups cannot be changed)";
    case Provider::kAzure:
      return "in the cache's Redis configuration (portal: Advanced settings)";
    case Provider::kMemorystore:
      return "in the instance's Redis configuration";
    case Provider::kSelfManaged:
      break;
  }
  return "";
}

// Where the provider sets maxmemory itself, and how to move it.
std::string MaxmemoryNote(const ConfigChange& c, Provider p) {
  switch (p) {
    case Provider::kElastiCache:
      return fmt::format(
          "ElastiCache sets maxmemory from the node type, less the parameter group's "
          "reserved-memory-percent (INFO maxmemory already excludes it), and does not let it be "
          "set. For a maxmemory of about {}: to lower it (more room for forks and buffers), "
          "raise reserved-memory-percent in the parameter group (AWS advises 25% with backups "
          "or replicas); to raise it, move to a node type with more memory:\n  aws elasticache "
          "modify-replication-group --replication-group-id <group> --cache-node-type "
          "<node-type> --apply-immediately",
          c.bytes.has_value() ? FormatBytes(*c.bytes) : c.value);
    case Provider::kAzure:
      return fmt::format(
          "Azure Cache for Redis sets maxmemory from the cache size and keeps "
          "maxmemory-reserved (MB) of it for forks, replication and buffers. For a maxmemory of "
          "about {}: to lower it, raise maxmemory-reserved:\n  az redis update --name "
          "<cache-name> --resource-group <resource-group> --set "
          "\"redisConfiguration.maxmemory-reserved\"=\"<MB>\"\nto raise it, scale the cache to "
          "a larger size (az redis update ... --sku <tier> --vm-size <size>).",
          c.bytes.has_value() ? FormatBytes(*c.bytes) : c.value);
    case Provider::kMemorystore:
    case Provider::kSelfManaged:
      break;
  }
  return "";
}

std::string Unsupported(const ConfigChange& c, Provider p) {
  return fmt::format("{} does not let you set {} ({} {} is what a self-managed Redis would take)",
                     ProviderTitle(p), c.directive, c.directive, c.value);
}

}  // namespace

std::string RenderManagedFix(std::span<const ConfigChange> changes, Provider p) {
  std::vector<Setting> settings;
  std::vector<std::string> notes;
  for (const ConfigChange& c : changes) {
    std::vector<Setting> mine = SettingsFor(c, p);
    if (!mine.empty()) {
      settings.insert(settings.end(), mine.begin(), mine.end());
    } else if (std::string note = MaxmemoryNote(c, p);
               c.directive == "maxmemory" && !note.empty()) {
      notes.push_back(std::move(note));
    } else {
      notes.push_back(Unsupported(c, p) + ".");
    }
  }
  std::string out;
  if (!settings.empty()) {
    out = fmt::format("{} blocks the CONFIG command: change it {}:\n  {}", ProviderTitle(p),
                      Where(p), Command(settings, p));
  }
  for (const std::string& note : notes) out += (out.empty() ? "" : "\n") + note;
  return out;
}

std::string MaxmemoryReserveHint(Provider p) {
  switch (p) {
    case Provider::kElastiCache:
      return "raise reserved-memory-percent in the parameter group (AWS advises 25% with "
             "backups or replicas)";
    case Provider::kAzure:
      return "raise maxmemory-reserved in the cache's Redis configuration (portal: Advanced "
             "settings)";
    case Provider::kMemorystore:
      return "lower maxmemory-gb in the instance's Redis configuration";
    case Provider::kSelfManaged:
      break;
  }
  return "keep maxmemory at most 75% of the memory limit (see memory_headroom)";
}

std::string ManagedFixClause(const ConfigChange& change, Provider p) {
  const std::vector<Setting> settings = SettingsFor(change, p);
  if (settings.empty()) return Unsupported(change, p);
  return fmt::format("set {} to {} {} ({})", change.directive, change.value, Where(p),
                     Command(settings, p));
}

}  // namespace memwatch::checks
