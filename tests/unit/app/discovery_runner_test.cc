// DiscoveryRunner: each group discovered at once and on its interval, at
// once again when its discoverer wakes it; nodes reported only when they
// change, findings after every discovery; a group that stays keeps its
// discoverer, a removed one is stopped and its findings cleared.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "app/discovery_runner.h"
#include "config/config.h"

namespace memwatch::app {
namespace discovery_runner_test {

using std::chrono::milliseconds;

struct Shared {
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, int> discoveries;
  std::map<std::string, int> node_reports;
  std::map<std::string, std::vector<Finding>> findings;
  std::map<std::string, std::function<void()>> wakes;
  std::map<std::string, int> made, stopped;
  int port = 6379;

  // Waits up to 5 s for `pred` (under mu).
  template <typename Pred>
  bool WaitFor(Pred pred) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(5), pred);
  }
};

class FakeDiscoverer final : public GroupDiscoverer {
 public:
  FakeDiscoverer(std::string name, Shared* shared) : name_(std::move(name)), shared_(shared) {}
  GroupDiscovery Discover() override {
    std::lock_guard lock(shared_->mu);
    ++shared_->discoveries[name_];
    shared_->cv.notify_all();
    GroupDiscovery d;
    d.ok = true;
    DiscoveredNode n;
    n.endpoint.host = "127.0.0.1";
    n.endpoint.port = shared_->port;
    n.role = "primary";
    d.nodes = {n};
    d.findings = {Finding{.check = "failover", .severity = Severity::kWarning}};
    return d;
  }
  void Stop() override {
    std::lock_guard lock(shared_->mu);
    ++shared_->stopped[name_];
  }

 private:
  std::string name_;
  Shared* shared_;
};

config::TargetConfig Group(const std::string& name, Duration interval) {
  config::TargetConfig t;
  t.name = name;
  t.sentinel = config::SentinelGroup{};
  t.sentinel->master_name = "m";
  t.sentinel->interval = interval;
  return t;
}

class DiscoveryRunnerTest : public ::testing::Test {
 protected:
  DiscoveryRunnerTest()
      : runner_(
            [this](const config::TargetConfig& g, std::function<void()> wake) {
              std::lock_guard lock(shared_.mu);
              shared_.wakes[g.name] = std::move(wake);
              ++shared_.made[g.name];
              return std::make_unique<FakeDiscoverer>(g.name, &shared_);
            },
            [this](const std::string& group, std::vector<DiscoveredNode>) {
              std::lock_guard lock(shared_.mu);
              ++shared_.node_reports[group];
              shared_.cv.notify_all();
            },
            [this](const std::string& group, std::vector<Finding> f) {
              std::lock_guard lock(shared_.mu);
              shared_.findings[group] = std::move(f);
              shared_.cv.notify_all();
            }) {}

  Shared shared_;
  DiscoveryRunner runner_;
};

TEST_F(DiscoveryRunnerTest, DiscoversAtOnceThenOnItsIntervalAndReportsNodesOnce) {
  runner_.Apply({Group("orders", milliseconds(20))});
  ASSERT_TRUE(shared_.WaitFor([&] { return shared_.discoveries["orders"] >= 4; }));
  std::lock_guard lock(shared_.mu);
  EXPECT_EQ(shared_.node_reports["orders"], 1);  // the same nodes each time
  EXPECT_EQ(shared_.findings["orders"].size(), 1u);
}

TEST_F(DiscoveryRunnerTest, WakeDiscoversAtOnceAndChangedNodesAreReported) {
  runner_.Apply({Group("orders", std::chrono::hours(1))});
  ASSERT_TRUE(shared_.WaitFor([&] { return shared_.node_reports["orders"] == 1; }));
  std::function<void()> wake;
  {
    std::lock_guard lock(shared_.mu);
    shared_.port = 6380;  // a failover moved the primary
    wake = shared_.wakes["orders"];
  }
  wake();
  EXPECT_TRUE(shared_.WaitFor([&] { return shared_.node_reports["orders"] == 2; }));
}

TEST_F(DiscoveryRunnerTest, AnUnchangedGroupKeepsItsDiscovererAndARemovedOneIsStopped) {
  runner_.Apply({Group("orders", std::chrono::hours(1)), Group("carts", std::chrono::hours(1))});
  ASSERT_TRUE(shared_.WaitFor([&] { return shared_.discoveries["carts"] == 1; }));
  runner_.Apply({Group("orders", std::chrono::hours(1))});
  {
    std::lock_guard lock(shared_.mu);
    EXPECT_EQ(shared_.made["orders"], 1);
    EXPECT_EQ(shared_.stopped["orders"], 0);
    EXPECT_EQ(shared_.stopped["carts"], 1);
    EXPECT_TRUE(shared_.findings["carts"].empty());
  }
  // A changed interval is a changed group: a new discoverer.
  runner_.Apply({Group("orders", std::chrono::hours(2))});
  std::lock_guard lock(shared_.mu);
  EXPECT_EQ(shared_.made["orders"], 2);
  EXPECT_EQ(shared_.stopped["orders"], 1);
}

}  // namespace discovery_runner_test
}  // namespace memwatch::app
