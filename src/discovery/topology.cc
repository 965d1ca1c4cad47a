#include "discovery/topology.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace memwatch::discovery {
namespace {

// A node with the reason to skip it ("" to keep it).
struct Member {
  TopologyNode node;
  std::string skip_reason;
};

// One shard as a source describes it, before the common rules apply.
struct Draft {
  std::optional<Member> primary;
  std::vector<SlotRange> slots;
  std::vector<Member> replicas;
};

std::string ShortId(const std::string& id) { return id.substr(0, 8); }

std::vector<SlotRange> Merged(std::vector<SlotRange> slots) {
  std::sort(slots.begin(), slots.end());
  std::vector<SlotRange> out;
  for (const SlotRange& r : slots) {
    if (!out.empty() && r.first <= out.back().last + 1) {
      out.back().last = std::max(out.back().last, r.last);
    } else {
      out.push_back(r);
    }
  }
  return out;
}

bool ById(const TopologyNode& a, const TopologyNode& b) { return a.id < b.id; }

// Slot-owning shards by first slot, then slot-less ones by label.
bool ShardOrder(const Shard& a, const Shard& b) {
  if (a.slots.empty() != b.slots.empty()) {
    return !a.slots.empty();
  }
  return a.slots.empty() ? a.label < b.label : a.slots.front() < b.slots.front();
}

// Applies the rules of the header to one draft; appends to *out.
void Finish(Draft draft, Topology* out) {
  Shard shard;
  shard.slots = Merged(std::move(draft.slots));
  const bool primary_kept = draft.primary && draft.primary->skip_reason.empty();
  if (draft.primary && !primary_kept) {
    out->skipped.push_back({draft.primary->node, draft.primary->skip_reason});
  }
  const bool forms_shard = primary_kept || !shard.slots.empty();
  for (Member& r : draft.replicas) {
    if (!forms_shard && r.skip_reason.empty()) {
      const std::string id = draft.primary ? ShortId(draft.primary->node.id) : "?";
      r.skip_reason = "primary " + id + " skipped";
    }
    if (r.skip_reason.empty()) {
      shard.replicas.push_back(std::move(r.node));
    } else {
      out->skipped.push_back({std::move(r.node), std::move(r.skip_reason)});
    }
  }
  if (!forms_shard) {
    return;
  }
  if (primary_kept) {
    shard.primary = draft.primary->node;
  }
  shard.label = !shard.slots.empty() ? ToString(shard.slots.front())
                : draft.primary      ? "noslots:" + ShortId(draft.primary->node.id)
                                     : "noslots:?";
  std::sort(shard.replicas.begin(), shard.replicas.end(), ById);
  out->shards.push_back(std::move(shard));
}

Topology FinishAll(std::vector<Draft> drafts, std::vector<SkippedNode> skipped) {
  Topology out;
  out.skipped = std::move(skipped);
  for (Draft& d : drafts) {
    Finish(std::move(d), &out);
  }
  std::sort(out.shards.begin(), out.shards.end(), ShardOrder);
  std::sort(out.skipped.begin(), out.skipped.end(),
            [](const SkippedNode& a, const SkippedNode& b) { return a.node.id < b.node.id; });
  return out;
}

std::string SkipReason(const NodeFlags& f) {
  return f.fail ? "fail" : f.noaddr ? "noaddr" : f.handshake ? "handshake" : "";
}

Member MemberOf(const ClusterNode& n) { return {{n.id, n.address, n.ip}, SkipReason(n.flags)}; }

std::string SkipReason(const ShardNode& n) {
  return n.health == ShardNode::Health::kFailed ? "fail" : "";
}

Member MemberOf(const ShardNode& n) { return {{n.id, n.address, n.ip}, SkipReason(n)}; }

}  // namespace

Topology TopologyFromClusterNodes(const ClusterNodes& nodes) {
  std::map<std::string, Draft> by_primary;
  for (const ClusterNode& n : nodes.nodes) {
    if (n.flags.primary && !n.flags.replica) {
      Draft& d = by_primary[n.id];
      d.primary = MemberOf(n);
      d.slots = n.slots;
    }
  }
  std::vector<SkippedNode> skipped;
  for (const ClusterNode& n : nodes.nodes) {
    if (n.flags.primary && !n.flags.replica) {
      continue;
    }
    Member m = MemberOf(n);
    const auto it = by_primary.find(n.primary_id);
    if (!n.flags.replica || n.primary_id.empty()) {
      skipped.push_back(
          {m.node, m.skip_reason.empty() ? "neither primary nor replica" : m.skip_reason});
    } else if (it == by_primary.end()) {
      skipped.push_back({m.node, m.skip_reason.empty()
                                     ? "primary " + ShortId(n.primary_id) + " unknown"
                                     : m.skip_reason});
    } else {
      it->second.replicas.push_back(std::move(m));
    }
  }
  std::vector<Draft> drafts;
  drafts.reserve(by_primary.size());
  for (auto& [id, d] : by_primary) {
    drafts.push_back(std::move(d));
  }
  return FinishAll(std::move(drafts), std::move(skipped));
}

Result<Topology> TopologyFromClusterShards(const ClusterShards& shards) {
  std::set<std::string> ids;
  std::vector<Draft> drafts;
  std::vector<SkippedNode> skipped;
  for (const ClusterShard& s : shards.shards) {
    Draft d;
    d.slots = s.slots;
    for (const ShardNode& n : s.nodes) {
      if (!ids.insert(n.id).second) {
        return Status::Error("CLUSTER SHARDS: node " + n.id + " appears twice");
      }
      Member m = MemberOf(n);
      if (!n.primary) {
        d.replicas.push_back(std::move(m));
      } else if (!d.primary) {
        d.primary = std::move(m);
      } else {
        skipped.push_back({std::move(m.node), "a second primary in its shard"});
      }
    }
    drafts.push_back(std::move(d));
  }
  return FinishAll(std::move(drafts), std::move(skipped));
}

}  // namespace memwatch::discovery
