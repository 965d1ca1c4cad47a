// Whole reloads driven on fakes: which part is asked to do what, in which
// order, and what a part that fails leaves running.
#include "app/reloader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::app {
namespace reloader_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Records every call; fails Listen for addresses in `unbindable` and
// ConfigureAlerting for state dirs in `unusable`.
class FakeParts final : public Reloadable {
 public:
  Status Listen(const std::string& address) override {
    calls.push_back("listen " + address);
    if (address == unbindable) return Status::Error("cannot listen on " + address);
    listening = address;
    return Status::Ok();
  }
  Status ConfigureAlerting(const alerting::AlertingConfig& a) override {
    calls.push_back("alerting " + a.state_dir + " " + std::to_string(a.receivers.size()));
    if (a.state_dir == unusable) return Status::Error("cannot use state_dir " + a.state_dir);
    alerting = a;
    return Status::Ok();
  }
  void SetRoutePrefix(const std::string& prefix) override { calls.push_back("prefix " + prefix); }
  void ApplyPolling(const config::Config& c) override {
    calls.push_back("polling " + std::to_string(c.interval.count()) + "ms " +
                    std::to_string(c.targets.size()) + " target(s)");
    polling = c;
  }

  std::vector<std::string> calls;
  std::string unbindable;
  std::string unusable;
  std::string listening;
  alerting::AlertingConfig alerting;
  config::Config polling;
};

config::Config Base() {
  config::Config c;
  config::TargetConfig t;
  t.name = "a";
  t.endpoint.host = "127.0.0.1";
  c.targets.push_back(t);
  c.alerting.state_dir = "/var/lib/a";
  return c;
}

alerting::ReceiverConfig Hook(const std::string& name) {
  alerting::ReceiverConfig r;
  r.name = name;
  r.settings = alerting::WebhookSettings{Secret("http://127.0.0.1:1/" + name), {}};
  return r;
}

TEST(ReloaderTest, AnUnchangedConfigTouchesNothing) {
  FakeParts parts;
  Reloader reloader(Base(), &parts);
  ReloadOutcome out = reloader.Apply(Base());
  EXPECT_TRUE(out.ok());
  EXPECT_FALSE(out.changes.any());
  EXPECT_THAT(parts.calls, IsEmpty());
}

TEST(ReloaderTest, ARoutePrefixReachesTheEndpointAndNothingElse) {
  FakeParts parts;
  Reloader reloader(Base(), &parts);
  config::Config next = Base();
  next.route_prefix = "/memwatch";
  ReloadOutcome out = reloader.Apply(next);
  EXPECT_TRUE(out.ok());
  EXPECT_THAT(parts.calls, ElementsAre("prefix /memwatch"));
  EXPECT_EQ(DescribeChanges(out.changes), "route_prefix / -> /memwatch");
}

TEST(ReloaderTest, IntervalAndTimeoutReachPollingAndNothingElse) {
  FakeParts parts;
  Reloader reloader(Base(), &parts);
  config::Config next = Base();
  next.interval = std::chrono::milliseconds(200);
  next.timeout = std::chrono::milliseconds(100);
  ReloadOutcome out = reloader.Apply(next);
  EXPECT_TRUE(out.ok());
  EXPECT_THAT(parts.calls, ElementsAre("polling 200ms 1 target(s)"));
  EXPECT_EQ(parts.polling.timeout, std::chrono::milliseconds(100));
  EXPECT_EQ(reloader.running().interval, std::chrono::milliseconds(200));
}

TEST(ReloaderTest, EverythingChangedIsAppliedListenFirstAlertingBeforePolling) {
  FakeParts parts;
  Reloader reloader(Base(), &parts);
  config::Config next = Base();
  next.listen = "127.0.0.2:0";
  next.alerting.receivers.push_back(Hook("pager"));
  next.checks["memory_high"].params["warning"] = 0.5;
  ReloadOutcome out = reloader.Apply(next);
  EXPECT_TRUE(out.ok());
  EXPECT_THAT(parts.calls, ElementsAre("listen 127.0.0.2:0", "alerting /var/lib/a 1",
                                       "polling 1000ms 1 target(s)"));
  EXPECT_EQ(parts.polling.checks, next.checks);
  EXPECT_EQ(parts.polling.alerting, next.alerting);
}

TEST(ReloaderTest, AnAddressThatCannotBeBoundKeepsTheOldOneAndTheRestApplies) {
  FakeParts parts;
  parts.unbindable = "127.0.0.1:80";
  Reloader reloader(Base(), &parts);
  config::Config next = Base();
  next.listen = "127.0.0.1:80";
  next.interval = std::chrono::seconds(5);
  ReloadOutcome out = reloader.Apply(next);
  EXPECT_FALSE(out.ok());
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_THAT(out.failures[0], HasSubstr("listen 127.0.0.1:80: cannot listen on 127.0.0.1:80"));
  EXPECT_THAT(out.failures[0], HasSubstr("still serving 127.0.0.1:9479"));
  EXPECT_EQ(reloader.running().listen, "127.0.0.1:9479");
  EXPECT_EQ(reloader.running().interval, std::chrono::seconds(5));
  // The next reload of the same file tries the address again.
  parts.calls.clear();
  parts.unbindable.clear();
  EXPECT_TRUE(reloader.Apply(next).ok());
  EXPECT_THAT(parts.calls, ElementsAre("listen 127.0.0.1:80"));
}

TEST(ReloaderTest, AnUnusableStateDirKeepsThePreviousReceiversDelivering) {
  FakeParts parts;
  parts.unusable = "/nowhere";
  config::Config base = Base();
  base.alerting.receivers.push_back(Hook("pager"));
  Reloader reloader(base, &parts);
  config::Config next = base;
  next.alerting.state_dir = "/nowhere";
  next.alerting.receivers.push_back(Hook("team"));
  ReloadOutcome out = reloader.Apply(next);
  EXPECT_FALSE(out.ok());
  ASSERT_EQ(out.failures.size(), 1u);
  EXPECT_THAT(out.failures[0], HasSubstr("cannot use state_dir /nowhere"));
  EXPECT_THAT(out.failures[0], HasSubstr("the previous receivers keep delivering"));
  EXPECT_THAT(parts.calls, ElementsAre("alerting /nowhere 2", "alerting /var/lib/a 1",
                                       "polling 1000ms 1 target(s)"));
  // Polling keeps the policy of the receivers that actually run.
  EXPECT_EQ(parts.polling.alerting, base.alerting);
  EXPECT_EQ(reloader.running().alerting, base.alerting);
}

}  // namespace reloader_test
}  // namespace memwatch::app
