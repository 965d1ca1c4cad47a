#include "app/discovery_runner.h"

#include <optional>
#include <tuple>
#include <utility>

#include <spdlog/spdlog.h>

namespace memwatch::app {

struct DiscoveryRunner::Group {
  config::TargetConfig config;
  std::unique_ptr<GroupDiscoverer> discoverer;
  std::mutex mu;
  std::condition_variable cv;
  bool woken = false;     // guarded by mu
  bool stopping = false;  // guarded by mu
  std::thread thread;
};

namespace {

// The parts of a group's config its discovery depends on.
bool SameGroup(const config::TargetConfig& a, const config::TargetConfig& b) {
  auto sentinel_key = [](const config::TargetConfig& t) {
    return t.sentinel
               ? std::make_tuple(t.sentinel->addresses, t.sentinel->master_name,
                                 t.sentinel->password, t.sentinel->tls, t.sentinel->interval)
               : std::make_tuple(std::vector<Endpoint>{}, std::string(), std::optional<Secret>(),
                                 std::optional<TlsSettings>(), Duration{});
  };
  auto cluster_key = [](const config::TargetConfig& t) {
    return t.cluster ? std::make_pair(t.cluster->seeds, t.cluster->interval)
                     : std::make_pair(std::vector<Endpoint>{}, Duration{});
  };
  return a.name == b.name && sentinel_key(a) == sentinel_key(b) &&
         cluster_key(a) == cluster_key(b) && a.username == b.username && a.password == b.password &&
         a.tls == b.tls;
}

}  // namespace

DiscoveryRunner::DiscoveryRunner(DiscovererFactory factory, NodesFn on_nodes,
                                 FindingsFn on_findings)
    : factory_(std::move(factory)),
      on_nodes_(std::move(on_nodes)),
      on_findings_(std::move(on_findings)) {}

DiscoveryRunner::~DiscoveryRunner() { Stop(); }

void DiscoveryRunner::Apply(const std::vector<config::TargetConfig>& groups) {
  std::lock_guard lock(apply_mu_);
  std::map<std::string, std::unique_ptr<Group>> next;
  for (const config::TargetConfig& c : groups) {
    auto found = groups_.find(c.name);
    if (found != groups_.end() && SameGroup(found->second->config, c)) {
      next.emplace(c.name, std::move(found->second));
      groups_.erase(found);
      continue;
    }
    auto g = std::make_unique<Group>();
    g->config = c;
    Group* raw = g.get();
    g->discoverer = factory_(c, [raw] {
      std::lock_guard glock(raw->mu);
      raw->woken = true;
      raw->cv.notify_one();
    });
    next.emplace(c.name, std::move(g));
  }
  // What is left was removed or changed: stopped before its successor
  // starts, so the two never report at once.
  for (auto& [name, g] : groups_) {
    StopGroup(*g);
    if (next.count(name) == 0) on_findings_(name, {});
  }
  groups_ = std::move(next);
  for (auto& [name, g] : groups_) {
    if (!g->thread.joinable()) g->thread = std::thread([this, raw = g.get()] { Run(raw); });
  }
}

void DiscoveryRunner::Stop() {
  std::lock_guard lock(apply_mu_);
  for (auto& [name, g] : groups_) StopGroup(*g);
  groups_.clear();
}

void DiscoveryRunner::StopGroup(Group& g) {
  {
    std::lock_guard glock(g.mu);
    g.stopping = true;
  }
  g.cv.notify_one();
  if (g.discoverer) g.discoverer->Stop();
  if (g.thread.joinable()) g.thread.join();
}

void DiscoveryRunner::Run(Group* g) {
  const std::string& name = g->config.name;
  const Duration interval =
      g->config.sentinel ? g->config.sentinel->interval : g->config.cluster->interval;
  std::vector<DiscoveredNode> last;
  bool first = true;
  std::string last_failure;
  for (;;) {
    GroupDiscovery found = g->discoverer->Discover();
    if (found.ok) {
      if (!last_failure.empty()) spdlog::info("{}: discovery works again", name);
      last_failure.clear();
      if (first || found.nodes != last) {
        spdlog::info("{}: discovered {} node(s)", name, found.nodes.size());
        last = found.nodes;
        on_nodes_(name, std::move(found.nodes));
        first = false;
      }
    } else if (found.message != last_failure) {
      spdlog::warn("{}: discovery failed: {}", name, found.message);
      last_failure = found.message;
    }
    on_findings_(name, std::move(found.findings));
    std::unique_lock glock(g->mu);
    g->cv.wait_for(glock, interval, [g] { return g->woken || g->stopping; });
    if (g->stopping) return;
    g->woken = false;
  }
}

}  // namespace memwatch::app
