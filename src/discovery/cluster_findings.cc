#include "discovery/cluster_findings.h"

#include <charconv>
#include <string>
#include <system_error>
#include <utility>

#include "discovery/text_fields.h"

namespace memwatch::discovery {
namespace {

// `v` with `decimals` digits after the point.
std::string Fixed(double v, int decimals) {
  char buf[64];
  const std::to_chars_result r =
      std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return r.ec == std::errc() ? std::string(buf, r.ptr) : "?";
}

std::string Mib(int64_t bytes) {
  return Fixed(static_cast<double>(bytes) / (1024.0 * 1024.0), 1) + " MiB";
}

std::string Percent(double fraction) { return Fixed(fraction * 100.0, 0) + "%"; }

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

const NodeProbe* ProbeOf(const std::vector<NodeProbe>& probes, const NodeAddress& address) {
  for (const NodeProbe& p : probes) {
    if (p.address == address) return &p;
  }
  return nullptr;
}

std::string SlotsText(const std::vector<SlotRange>& slots) {
  std::vector<std::string> parts;
  parts.reserve(slots.size());
  for (const SlotRange& r : slots) parts.push_back(ToString(r));
  return parts.empty() ? "no slots" : Join(parts, ",");
}

// A shard's primary with a limit, as its probe saw it.
struct ShardUse {
  const Shard* shard;
  std::string primary;
  int64_t used;
  int64_t limit;
  double fraction() const { return static_cast<double>(used) / static_cast<double>(limit); }
};

std::vector<ShardUse> ShardUses(const Topology& topology, const std::vector<NodeProbe>& probes) {
  std::vector<ShardUse> out;
  for (const Shard& s : topology.shards) {
    if (!s.primary) continue;
    const NodeProbe* p = ProbeOf(probes, s.primary->address);
    if (p == nullptr || !p->answered || !p->used_memory || !p->maxmemory || *p->maxmemory <= 0) {
      continue;
    }
    out.push_back({&s, ToString(s.primary->address), *p->used_memory, *p->maxmemory});
  }
  return out;
}

// What weighs most on the shard whose primary is `primary`, or null when
// not known.
const std::string* HeaviestOf(const ClusterFindingOptions& options, const std::string& primary) {
  const auto it = options.heaviest_by_primary.find(primary);
  return it == options.heaviest_by_primary.end() || it->second.empty() ? nullptr : &it->second;
}

// "shard 0-5460 (slots 0-5460, primary 10.0.0.1:7001, 95% of maxmemory[;
// weighing most: `{fill}:*` about ...])".
std::string ShardText(const ShardUse& u, const std::string* heaviest) {
  std::string text = "shard " + u.shard->label + " (slots " + SlotsText(u.shard->slots) +
                     ", primary " + u.primary + ", " + Percent(u.fraction()) + " of maxmemory";
  if (heaviest != nullptr) text += "; weighing most: " + *heaviest;
  return text + ")";
}

// The fix: the heaviest key prefixes or hash tags first, those named when
// the keyspace sample knows them, else found by hand.
std::string ShardNearLimitFix(bool heaviest_known) {
  std::string fix =
      heaviest_known
          ? "The data is unevenly spread over the slots: the key prefixes or hash tags ({...}) "
            "named above weigh most on that shard (from the keyspace sample); confirm on its "
            "primary with redis-cli -p PORT --bigkeys or MEMORY USAGE key."
          : "The data is unevenly spread over the slots: find the hash tags ({...}) or keys that "
            "weigh most on that shard (redis-cli -p PORT --bigkeys, MEMORY USAGE key).";
  return fix +
         "\nMove slots to emptier shards: `redis-cli --cluster rebalance HOST:PORT` (or "
         "`--cluster reshard`), split an oversized hash tag across several tags, or raise that "
         "shard's maxmemory.";
}

}  // namespace

std::optional<std::string> InfoField(std::string_view text, std::string_view key) {
  for (std::string_view line : Split(text, '\n', /*skip_empty=*/true)) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      return std::string(line.substr(key.size() + 1));
    }
  }
  return std::nullopt;
}

std::optional<Finding> ClusterStateFinding(const std::vector<NodeProbe>& probes) {
  std::vector<std::string> failing;
  for (const NodeProbe& p : probes) {
    if (p.answered && p.cluster_state == "fail") failing.push_back(ToString(p.address));
  }
  if (failing.empty()) return std::nullopt;
  Finding f;
  f.check = std::string(kClusterStateCheck);
  f.severity = Severity::kCritical;
  f.summary = "cluster_state is fail on " + Join(failing, ", ") +
              ": the cluster refuses commands there (slots not covered, or no majority of "
              "primaries reachable)";
  f.evidence = {{"nodes reporting cluster_state:fail", Join(failing, ", ")}};
  f.fix =
      "Run CLUSTER INFO and CLUSTER NODES on those nodes: look for primaries flagged fail with no "
      "replica to promote, or uncovered slots.\nBring the failed primaries back (or "
      "CLUSTER FAILOVER FORCE on a replica), then `redis-cli --cluster fix HOST:PORT` for "
      "uncovered slots.";
  return f;
}

std::optional<Finding> ShardNearLimitFinding(const Topology& topology,
                                             const std::vector<NodeProbe>& probes,
                                             const ClusterFindingOptions& options) {
  const std::vector<ShardUse> uses = ShardUses(topology, probes);
  int64_t used = 0;
  int64_t limit = 0;
  std::vector<const ShardUse*> near;
  for (const ShardUse& u : uses) {
    used += u.used;
    limit += u.limit;
    if (u.fraction() >= options.near_limit_fraction) near.push_back(&u);
  }
  if (near.empty() || limit <= 0) return std::nullopt;
  const double whole = static_cast<double>(used) / static_cast<double>(limit);
  if (whole >= options.near_limit_fraction) return std::nullopt;  // memory_high's case
  Finding f;
  f.check = std::string(kClusterShardNearLimitCheck);
  f.severity = Severity::kWarning;
  std::vector<std::string> names;
  bool heaviest_known = false;
  for (const ShardUse* u : near) {
    const std::string* heaviest = HeaviestOf(options, u->primary);
    names.push_back(ShardText(*u, heaviest));
    f.evidence.push_back({"shard " + u->shard->label + " used_memory / maxmemory",
                          Mib(u->used) + " / " + Mib(u->limit)});
    if (heaviest != nullptr) {
      f.evidence.push_back(
          {"shard " + u->shard->label + " weighing most (keyspace sample)", *heaviest});
      heaviest_known = true;
    }
  }
  f.evidence.push_back({"whole cluster used_memory / maxmemory",
                        Mib(used) + " / " + Mib(limit) + " (" + Percent(whole) + ")"});
  f.summary = Join(names, "; ") + " near its memory limit while the cluster uses " +
              Percent(whole) +
              ": writes to those slots are rejected with OOM while the other shards accept them";
  f.fix = ShardNearLimitFix(heaviest_known);
  return f;
}

std::optional<Finding> NodesUnreachableFinding(const std::vector<NodeProbe>& probes) {
  std::vector<std::string> names;
  Finding f;
  for (const NodeProbe& p : probes) {
    if (p.answered) continue;
    names.push_back(ToString(p.address));
    f.evidence.push_back({ToString(p.address), p.error});
  }
  if (names.empty()) return std::nullopt;
  f.check = std::string(kClusterNodesUnreachableCheck);
  f.severity = Severity::kWarning;
  f.summary = "cluster nodes " + Join(names, ", ") +
              " are announced by the cluster but this daemon cannot reach them: their memory is "
              "not watched";
  f.fix =
      "If the nodes sit behind NAT or in containers, announce addresses this host can reach: "
      "cluster-announce-ip / cluster-announce-port (or cluster-announce-hostname with "
      "cluster-preferred-endpoint-type hostname).\nOtherwise check the firewall and that the "
      "processes are running and not stalled.";
  return f;
}

std::vector<Finding> ClusterFindings(const Topology& topology, const std::vector<NodeProbe>& probes,
                                     const ClusterFindingOptions& options) {
  std::vector<Finding> out;
  if (auto f = ClusterStateFinding(probes)) out.push_back(std::move(*f));
  if (auto f = ShardNearLimitFinding(topology, probes, options)) out.push_back(std::move(*f));
  if (auto f = NodesUnreachableFinding(probes)) out.push_back(std::move(*f));
  return out;
}

}  // namespace memwatch::discovery
