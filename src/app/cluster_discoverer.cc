#include "app/cluster_discoverer.h"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "app/resp_of_reply.h"
#include "checks/key_family_text.h"
#include "discovery/cluster_findings.h"
#include "discovery/cluster_nodes.h"
#include "discovery/cluster_shards.h"
#include "discovery/finding_grace.h"
#include "discovery/topology.h"
#include "info/info_parser.h"
#include "poller/command_client.h"

namespace memwatch::app {
namespace {

using poller::Reply;

std::string KeyOf(const Endpoint& e) { return e.host + ":" + std::to_string(e.port); }

// CLUSTER SHARDS nests four deep (shards, shard map, nodes, node map).
poller::CommandClientOptions ClusterClientOptions() {
  poller::CommandClientOptions o;
  o.arrays = {.max_elements = 200'000, .max_depth = 4};
  return o;
}

// Redis 6.x: "ERR Unknown subcommand or wrong number of arguments for 'SHARDS'...".
bool UnknownSubcommand(const Reply& reply) {
  return reply.type == Reply::Type::kError &&
         (reply.text.find("nknown subcommand") != std::string::npos ||
          reply.text.find("nknown command") != std::string::npos);
}

Result<discovery::Topology> TopologyOfNodes(poller::CommandClient& client, MonoTime deadline) {
  Result<std::vector<Reply>> r = client.Pipeline({{"CLUSTER", "NODES"}}, deadline);
  if (!r.ok()) return r.status();
  const Reply& reply = r.value().front();
  if (reply.type != Reply::Type::kString) {
    return Status::Error("CLUSTER NODES: " +
                         (reply.type == Reply::Type::kError ? reply.text : "unexpected reply"));
  }
  Result<discovery::ClusterNodes> nodes = discovery::ParseClusterNodes(reply.text);
  if (!nodes.ok()) return nodes.status();
  return discovery::TopologyFromClusterNodes(nodes.value());
}

// The topology as `client`'s node sees it.
Result<discovery::Topology> ReadTopology(poller::CommandClient& client, MonoTime deadline) {
  Result<std::vector<Reply>> r = client.Pipeline({{"CLUSTER", "SHARDS"}}, deadline);
  if (!r.ok()) return r.status();
  const Reply& reply = r.value().front();
  if (UnknownSubcommand(reply)) return TopologyOfNodes(client, deadline);
  if (reply.type == Reply::Type::kError) return Status::Error("CLUSTER SHARDS: " + reply.text);
  Result<discovery::ClusterShards> shards = discovery::ParseClusterShards(RespOf(reply));
  if (!shards.ok()) return shards.status();
  return discovery::TopologyFromClusterShards(shards.value());
}

std::vector<DiscoveredNode> NodesOf(const discovery::Topology& topology) {
  std::vector<DiscoveredNode> out;
  for (const discovery::Shard& s : topology.shards) {
    if (s.primary) out.push_back({EndpointOf(s.primary->address), "primary", s.label});
    for (const discovery::TopologyNode& r : s.replicas) {
      out.push_back({EndpointOf(r.address), "replica", s.label});
    }
  }
  return out;
}

// Fills `probe` from the replies to CLUSTER INFO [, INFO memory].
void ReadProbe(const std::vector<Reply>& replies, discovery::NodeProbe* probe) {
  probe->answered = true;
  if (replies[0].type == Reply::Type::kString) {
    probe->cluster_state = discovery::InfoField(replies[0].text, "cluster_state").value_or("");
  }
  if (replies.size() > 1 && replies[1].type == Reply::Type::kString) {
    const Snapshot s = info::ParseInfo(replies[1].text);
    probe->used_memory = s.used_memory;
    probe->maxmemory = s.maxmemory;
  }
}

// For cluster_shard_near_limit: what weighs most on each shard's primary
// (ToString of its address -> DescribeHeaviest), from the sample `board`
// has for the primary's target (the replica's that stands in for it).
std::map<std::string, std::string> HeaviestByPrimary(const KeyFamilyBoard& board,
                                                     const std::string& group,
                                                     const discovery::Topology& topology) {
  std::map<std::string, std::string> out;
  for (const discovery::Shard& s : topology.shards) {
    if (!s.primary) continue;
    const std::shared_ptr<const KeyFamilies> families =
        board.Get(NodeTargetName(group, EndpointOf(s.primary->address)));
    if (families == nullptr || families->by_bytes.empty()) continue;
    std::string heaviest = checks::DescribeHeaviest(*families);
    if (!heaviest.empty()) out[discovery::ToString(s.primary->address)] = std::move(heaviest);
  }
  return out;
}

}  // namespace

namespace {

class ClusterDiscoverer final : public GroupDiscoverer {
 public:
  ClusterDiscoverer(config::TargetConfig group, std::function<void()> wake,
                    const KeyFamilyBoard* families)
      : group_(std::move(group)), wake_(std::move(wake)), families_(families) {}

  GroupDiscovery Discover() override;

  void Stop() override {
    const std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }

 private:
  poller::CommandClient& ClientFor(const Endpoint& e);
  // The configured seeds, then the nodes found last, without repeats.
  std::vector<Endpoint> Candidates() const;
  // The first topology a candidate gives; an error naming every failure.
  Result<discovery::Topology> FindTopology();
  std::vector<discovery::NodeProbe> Probe(const discovery::Topology& topology);
  // After a discovery with trouble, asks for another one soon.
  void RetrySoonIf(bool trouble);
  // Before a retry, waits until kClusterRetryDelay after the previous
  // discovery began (cut short by Stop()): a discovery slowed by a node
  // that does not answer is followed at once.
  void WaitBeforeRetry();

  const config::TargetConfig group_;
  const std::function<void()> wake_;
  const KeyFamilyBoard* const families_;  // null: findings without key prefixes
  const SystemClock clock_;
  std::vector<Endpoint> known_;  // the nodes found last
  std::vector<DiscoveredNode> last_nodes_;
  // A failover's moment of cluster_state:fail, and a paused node until the
  // cluster flags it, are not news: held for a while.
  discovery::FindingGrace grace_{{{"cluster_state", kClusterStateGrace},
                                  {"cluster_nodes_unreachable", kClusterUnreachableGrace}}};
  std::map<std::string, std::unique_ptr<poller::CommandClient>> clients_;  // by KeyOf
  int retries_ = 0;  // retries asked for in a row
  bool retry_pending_ = false;
  MonoTime last_start_;  // of the previous Discover()

  std::mutex mu_;  // guards stopping_
  std::condition_variable cv_;
  bool stopping_ = false;
};

poller::CommandClient& ClusterDiscoverer::ClientFor(const Endpoint& e) {
  std::unique_ptr<poller::CommandClient>& c = clients_[KeyOf(e)];
  if (!c) {
    poller::PollTarget target{NodeTargetName(group_.name, e), e, group_.username, group_.password,
                              group_.tls};
    c = std::make_unique<poller::CommandClient>(std::move(target), ClusterClientOptions(), clock_);
  }
  return *c;
}

std::vector<Endpoint> ClusterDiscoverer::Candidates() const {
  std::vector<Endpoint> out;
  std::map<std::string, bool> seen;
  for (const std::vector<Endpoint>* list : {&group_.cluster->seeds, &known_}) {
    for (const Endpoint& e : *list) {
      if (seen.emplace(KeyOf(e), true).second) out.push_back(e);
    }
  }
  return out;
}

Result<discovery::Topology> ClusterDiscoverer::FindTopology() {
  std::string failures;
  for (const Endpoint& e : Candidates()) {
    Result<discovery::Topology> t = ReadTopology(ClientFor(e), clock_.Now() + kClusterTimeout);
    if (t.ok()) return t;
    failures += (failures.empty() ? "" : "; ") + KeyOf(e) + ": " + t.status().message();
  }
  return Status::Error("no seed answered: " + failures);
}

std::vector<discovery::NodeProbe> ClusterDiscoverer::Probe(const discovery::Topology& topology) {
  std::vector<discovery::NodeProbe> probes;
  for (const discovery::Shard& s : topology.shards) {
    std::vector<std::pair<const discovery::TopologyNode*, bool>> nodes;
    if (s.primary) nodes.emplace_back(&*s.primary, true);
    for (const discovery::TopologyNode& r : s.replicas) nodes.emplace_back(&r, false);
    for (const auto& [node, primary] : nodes) {
      discovery::NodeProbe probe;
      probe.address = node->address;
      std::vector<std::vector<std::string>> commands = {{"CLUSTER", "INFO"}};
      if (primary) commands.push_back({"INFO", "memory"});
      Result<std::vector<Reply>> r =
          ClientFor(EndpointOf(node->address)).Pipeline(commands, clock_.Now() + kClusterTimeout);
      if (r.ok()) {
        ReadProbe(r.value(), &probe);
      } else {
        probe.error = r.status().message();
      }
      probes.push_back(std::move(probe));
    }
  }
  return probes;
}

void ClusterDiscoverer::RetrySoonIf(bool trouble) {
  retries_ = trouble ? retries_ + 1 : 0;
  retry_pending_ = trouble && retries_ <= kClusterMaxRetries;
  if (!retry_pending_) return;
  // Under mu_, so that no wake follows Stop() (which takes only mu_).
  const std::lock_guard lock(mu_);
  if (!stopping_) wake_();
}

void ClusterDiscoverer::WaitBeforeRetry() {
  if (!retry_pending_) return;
  std::unique_lock lock(mu_);
  cv_.wait_until(lock, last_start_ + kClusterRetryDelay, [this] { return stopping_; });
}

GroupDiscovery ClusterDiscoverer::Discover() {
  WaitBeforeRetry();
  last_start_ = clock_.Now();
  Result<discovery::Topology> topology = FindTopology();
  if (!topology.ok()) {
    RetrySoonIf(true);
    return {.ok = false, .message = topology.status().message(), .nodes = {}, .findings = {}};
  }
  const std::vector<discovery::NodeProbe> probes = Probe(topology.value());
  discovery::ClusterFindingOptions options;
  if (families_ != nullptr) {
    options.heaviest_by_primary = HeaviestByPrimary(*families_, group_.name, topology.value());
  }
  GroupDiscovery out{
      .ok = true,
      .message = "",
      .nodes = NodesOf(topology.value()),
      .findings = grace_.Filter(discovery::ClusterFindings(topology.value(), probes, options),
                                last_start_)};
  known_.clear();
  std::map<std::string, bool> keep;
  for (const DiscoveredNode& n : out.nodes) {
    known_.push_back(n.endpoint);
    keep[KeyOf(n.endpoint)] = true;
  }
  for (const Endpoint& e : group_.cluster->seeds) keep[KeyOf(e)] = true;
  std::erase_if(clients_, [&keep](const auto& kv) { return !keep.contains(kv.first); });
  bool trouble = grace_.waiting();
  for (const discovery::NodeProbe& p : probes) trouble = trouble || !p.answered;
  for (const discovery::Shard& s : topology.value().shards) {
    // A failover under way; not a failed primary that lost its slots.
    trouble = trouble || (!s.primary && (!s.slots.empty() || !s.replicas.empty()));
  }
  if (out.nodes != last_nodes_) retries_ = 0;  // a change: follow the next one quickly too
  last_nodes_ = out.nodes;
  RetrySoonIf(trouble);
  return out;
}

}  // namespace

std::unique_ptr<GroupDiscoverer> MakeClusterDiscoverer(const config::TargetConfig& group,
                                                       std::function<void()> wake,
                                                       const KeyFamilyBoard* families) {
  return std::make_unique<ClusterDiscoverer>(group, std::move(wake), families);
}

}  // namespace memwatch::app
