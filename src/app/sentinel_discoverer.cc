#include "app/sentinel_discoverer.h"

#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/resp_of_reply.h"
#include "app/sentinel_subscription.h"
#include "discovery/group_state.h"
#include "discovery/sentinel_findings.h"
#include "discovery/sentinel_nodes.h"
#include "discovery/sentinel_view.h"
#include "memwatch/clock.h"
#include "poller/command_client.h"

namespace memwatch::app {
namespace {

constexpr Duration kSentinelTimeout = std::chrono::seconds(1);
// How long a replica (or former primary) reported down stays polled: see
// sentinel_nodes.h.
constexpr Duration kDownReplicaHold = std::chrono::seconds(60);

std::vector<poller::PollTarget> SentinelTargets(const config::TargetConfig& group) {
  std::vector<poller::PollTarget> out;
  for (const Endpoint& e : group.sentinel->addresses) {
    out.push_back({.name = group.name + " sentinel",
                   .endpoint = e,
                   .username = std::nullopt,
                   .password = group.sentinel->password,
                   .tls = group.sentinel->tls});
  }
  return out;
}

// One sentinel's answers: a report, and its SENTINEL SENTINELS.
struct Answer {
  discovery::SentinelReport report;
  std::vector<discovery::SentinelInstance> sentinels;
  std::string error;  // why it did not answer
};

Answer Ask(poller::CommandClient& client, const std::string& master_name, MonoTime deadline) {
  Answer a;
  a.report.sentinel = client.address();
  Result<std::vector<poller::Reply>> replies =
      client.Pipeline({{"SENTINEL", "GET-MASTER-ADDR-BY-NAME", master_name},
                       {"SENTINEL", "REPLICAS", master_name},
                       {"SENTINEL", "MASTER", master_name},
                       {"SENTINEL", "SENTINELS", master_name}},
                      deadline);
  if (!replies.ok()) {
    a.error = replies.status().message();
    return a;
  }
  const std::vector<poller::Reply>& r = replies.value();
  auto primary = discovery::ParseGetMasterAddrByName(RespOf(r[0]));
  if (!primary.ok()) {
    a.error = client.address() + ": " + primary.status().message();
    return a;
  }
  a.report.reachable = true;
  a.report.primary = primary.value();
  if (!a.report.primary) return a;  // the sentinel does not know the group
  if (auto replicas = discovery::ParseSentinelInstances(RespOf(r[1]), "SENTINEL REPLICAS");
      replicas.ok()) {
    a.report.replicas = std::move(replicas.value());
  }
  if (auto master = discovery::ParseSentinelMaster(RespOf(r[2])); master.ok()) {
    a.report.master = std::move(master.value());
  }
  if (auto others = discovery::ParseSentinelInstances(RespOf(r[3]), "SENTINEL SENTINELS");
      others.ok()) {
    a.sentinels = std::move(others.value());
  }
  return a;
}

class SentinelDiscoverer final : public GroupDiscoverer {
 public:
  SentinelDiscoverer(const config::TargetConfig& group, std::function<void()> wake)
      : group_name_(group.name),
        master_name_(group.sentinel->master_name),
        wake_(std::move(wake)),
        state_(group.sentinel->master_name),
        findings_(group.name, discovery::SentinelFindingOptions{}),
        nodes_(kDownReplicaHold) {
    for (const poller::PollTarget& t : SentinelTargets(group)) {
      clients_.push_back(
          std::make_unique<poller::CommandClient>(t, poller::CommandClientOptions{}, clock_));
    }
    subscription_ = std::make_unique<SentinelSubscription>(
        SentinelTargets(group), master_name_, &clock_,
        [this](std::optional<discovery::SwitchMaster> m) { OnEvent(std::move(m)); });
  }
  ~SentinelDiscoverer() override { Stop(); }
  SentinelDiscoverer(const SentinelDiscoverer&) = delete;
  SentinelDiscoverer& operator=(const SentinelDiscoverer&) = delete;

  void Stop() override {
    if (subscription_) subscription_->Stop();
  }

  GroupDiscovery Discover() override;

 private:
  void OnEvent(std::optional<discovery::SwitchMaster> m) {
    if (m) {
      std::lock_guard lock(mu_);
      switches_.push_back(std::move(*m));
    }
    wake_();
  }
  void ApplySwitches();
  void NoteFailover(const std::optional<discovery::FailoverEvent>& event);

  const std::string group_name_;
  const std::string master_name_;
  const std::function<void()> wake_;
  SystemClock clock_;
  // The discovery thread's:
  std::vector<std::unique_ptr<poller::CommandClient>> clients_;
  discovery::GroupState state_;
  discovery::SentinelFindings findings_;
  discovery::SentinelNodes nodes_;
  // From the subscription's threads:
  std::mutex mu_;
  std::vector<discovery::SwitchMaster> switches_;  // guarded by mu_
  std::unique_ptr<SentinelSubscription> subscription_;
};

void SentinelDiscoverer::NoteFailover(const std::optional<discovery::FailoverEvent>& event) {
  if (event) findings_.OnFailover(*event, clock_.WallNow());
}

void SentinelDiscoverer::ApplySwitches() {
  std::vector<discovery::SwitchMaster> switches;
  {
    std::lock_guard lock(mu_);
    switches.swap(switches_);
  }
  for (const discovery::SwitchMaster& m : switches) {
    NoteFailover(state_.OnSwitchMaster(m, clock_.Now()));
  }
}

GroupDiscovery SentinelDiscoverer::Discover() {
  ApplySwitches();
  std::vector<discovery::SentinelReport> reports;
  std::vector<std::vector<discovery::SentinelInstance>> seen;
  std::string errors;
  int answered = 0;
  for (const std::unique_ptr<poller::CommandClient>& client : clients_) {
    Answer a = Ask(*client, master_name_, clock_.Now() + kSentinelTimeout);
    if (a.report.reachable) {
      ++answered;
      seen.push_back(std::move(a.sentinels));
    } else {
      errors += (errors.empty() ? "" : "; ") + a.error;
    }
    reports.push_back(std::move(a.report));
  }
  ApplySwitches();  // a switch announced while the sentinels were asked
  const MonoTime now = clock_.Now();
  discovery::GroupView view = state_.Round(reports, now);
  NoteFailover(view.failover);
  GroupDiscovery out;
  out.findings = findings_.Update(view, discovery::HealthySentinels(answered, seen), now);
  if (answered == 0) {
    out.message = "no sentinel answered for " + master_name_ + ": " + errors;
    return out;
  }
  if (!view.primary) {
    out.message = "the sentinels name no primary for " + master_name_ +
                  (view.sentinels_disagree ? " (they disagree)" : "");
    return out;
  }
  out.ok = true;
  out.nodes.push_back({.endpoint = EndpointOf(*view.primary), .role = "primary", .shard = ""});
  for (const discovery::NodeAddress& r : nodes_.Replicas(view, now)) {
    out.nodes.push_back({.endpoint = EndpointOf(r), .role = "replica", .shard = ""});
  }
  return out;
}

}  // namespace

std::unique_ptr<GroupDiscoverer> MakeSentinelDiscoverer(const config::TargetConfig& group,
                                                        std::function<void()> wake) {
  return std::make_unique<SentinelDiscoverer>(group, std::move(wake));
}

}  // namespace memwatch::app
