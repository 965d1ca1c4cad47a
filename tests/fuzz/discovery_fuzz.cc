// Fuzzes the parsers of discovery replies (they come from any Redis the
// daemon is pointed at) and checks the promises of their headers: no crash,
// bounded output, valid slot ranges, every node in exactly one place of the
// Topology, one failover event per change of the group's primary.
// Input: the bytes are given as they are to ParseClusterNodes and
// ParseSwitchMaster; when they also decode as one RESP2 reply (at most
// kMaxValues values, kMaxDepth levels; tests/unit/discovery/resp_text.h),
// that RespValue goes to ParseClusterShards and the Sentinel parsers. Seeds:
// tests/fuzz/corpus/discovery_fuzz (the fixtures of tests/fixtures/discovery).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "../unit/discovery/resp_text.h"
#include "discovery/cluster_nodes.h"
#include "discovery/cluster_shards.h"
#include "discovery/group_state.h"
#include "discovery/sentinel_view.h"
#include "discovery/topology.h"

namespace {

using namespace memwatch::discovery;

constexpr size_t kMaxValues = 4096;
constexpr int kMaxDepth = 6;

// Aborts with a message, so libFuzzer records the input as a crash.
void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "discovery_fuzz: invariant broken: %s\n", what);
    std::abort();
  }
}

void CheckSlots(const std::vector<SlotRange>& slots) {
  for (const SlotRange& r : slots) {
    Require(0 <= r.first && r.first <= r.last && r.last <= kMaxSlot, "a bad slot range");
  }
}

void CheckTopology(const Topology& t, size_t nodes) {
  size_t placed = t.skipped.size();
  for (const Shard& s : t.shards) {
    Require(!s.label.empty(), "a shard without a label");
    CheckSlots(s.slots);
    for (size_t i = 1; i < s.slots.size(); ++i) {
      Require(s.slots[i - 1].last + 1 < s.slots[i].first, "unmerged or unordered slot ranges");
    }
    placed += s.replicas.size() + (s.primary ? 1 : 0);
  }
  Require(placed == nodes, "a node lost or placed twice in the topology");
}

void FuzzClusterNodes(std::string_view text) {
  const memwatch::Result<ClusterNodes> r = ParseClusterNodes(text);
  if (!r.ok()) {
    Require(!r.status().message().empty(), "an error without a message");
    return;
  }
  Require(r.value().nodes.size() <= kMaxClusterNodes, "more nodes than the cap");
  for (const ClusterNode& n : r.value().nodes) {
    CheckSlots(n.slots);
  }
  CheckTopology(TopologyFromClusterNodes(r.value()), r.value().nodes.size());
}

void FuzzClusterShards(const RespValue& reply) {
  const memwatch::Result<ClusterShards> r = ParseClusterShards(reply);
  if (!r.ok()) {
    return;
  }
  size_t nodes = 0;
  for (const ClusterShard& s : r.value().shards) {
    CheckSlots(s.slots);
    nodes += s.nodes.size();
  }
  Require(nodes <= kMaxClusterNodes, "more shard nodes than the cap");
  const memwatch::Result<Topology> t = TopologyFromClusterShards(r.value());
  if (t.ok()) {
    CheckTopology(t.value(), nodes);
  }
}

// Feeds the Sentinel parsers; two rounds of a group whose sentinels name what
// was parsed give at most one failover each, none when repeated.
void FuzzSentinel(const RespValue& reply) {
  const auto address = ParseGetMasterAddrByName(reply);
  const auto replicas = ParseSentinelInstances(reply, "SENTINEL REPLICAS");
  const auto master = ParseSentinelMaster(reply);
  SentinelReport report{"s", true, std::nullopt, std::nullopt, {}};
  if (address.ok()) {
    report.primary = address.value();
  }
  if (replicas.ok()) {
    Require(replicas.value().size() <= kMaxSentinelInstances, "more instances than the cap");
    report.replicas = replicas.value();
  }
  if (master.ok()) {
    report.master = master.value();
    report.primary = master.value().instance.address;
  }
  GroupState g("g");
  const memwatch::MonoTime t0{};
  g.Round({report, report}, t0);
  const GroupView again = g.Round({report, report}, t0);
  Require(!again.failover.has_value(), "a failover from a repeated round");
  Require(again.sentinels_reachable == 2 && again.needed >= 2, "bad sentinel counts");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  FuzzClusterNodes(bytes);
  const auto switch_master = ParseSwitchMaster(bytes);
  if (switch_master.ok()) {
    GroupState g(switch_master.value().group);
    g.OnSwitchMaster(switch_master.value(), memwatch::MonoTime{});
    Require(!g.OnSwitchMaster(switch_master.value(), memwatch::MonoTime{}).has_value(),
            "a failover from a repeated +switch-master");
  }
  const std::optional<RespValue> reply = resp_text::Decode(bytes, kMaxValues, kMaxDepth);
  if (reply) {
    FuzzClusterShards(*reply);
    FuzzSentinel(*reply);
  }
  return 0;
}
