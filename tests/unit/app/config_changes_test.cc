#include "app/config_changes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::app {
namespace config_changes_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

config::TargetConfig Target(const std::string& name, int port) {
  config::TargetConfig t;
  t.name = name;
  t.endpoint.host = "127.0.0.1";
  t.endpoint.port = port;
  t.display_address = "127.0.0.1:" + std::to_string(port);
  return t;
}

alerting::ReceiverConfig Hook(const std::string& name) {
  alerting::ReceiverConfig r;
  r.name = name;
  r.settings = alerting::WebhookSettings{Secret("http://127.0.0.1:1/" + name), {}};
  return r;
}

config::Config Base() {
  config::Config c;
  c.targets = {Target("a", 6379), Target("b", 6380)};
  c.alerting.receivers = {Hook("pager")};
  return c;
}

TEST(ConfigChangesTest, AnIdenticalConfigChangesNothingWhereverItsItemsAreWritten) {
  config::Config before = Base();
  config::Config after = Base();
  after.targets[0].line = 40;  // moved down the file
  after.alerting.receivers[0].line = 90;
  after.source_file = "elsewhere.yml";
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_FALSE(c.any());
  EXPECT_FALSE(c.listen || c.polling || c.targets || c.checks || c.alerting);
  EXPECT_EQ(DescribeChanges(c), "nothing");
}

TEST(ConfigChangesTest, EachTopLevelKeyIsNamedWithItsOldAndNewValue) {
  config::Config before = Base();
  config::Config after = Base();
  after.listen = "127.0.0.2:0";
  after.interval = std::chrono::milliseconds(200);
  after.timeout = std::chrono::seconds(2);
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_TRUE(c.listen);
  EXPECT_TRUE(c.polling);
  EXPECT_FALSE(c.targets || c.checks || c.alerting);
  EXPECT_THAT(c.descriptions, ElementsAre("listen 127.0.0.1:9479 -> 127.0.0.2:0",
                                          "interval 1s -> 200ms", "timeout 500ms -> 2s"));
}

TEST(ConfigChangesTest, TargetsAreListedAsAddedRemovedAndChanged) {
  config::Config before = Base();
  config::Config after = Base();
  after.targets.erase(after.targets.begin());        // a removed
  after.targets[0].memory_limit = int64_t{1} << 30;  // b changed
  after.targets.push_back(Target("c", 6381));
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_TRUE(c.targets);
  EXPECT_THAT(c.descriptions, ElementsAre("targets: added c; removed a; changed b"));
}

// A changed keyspace block restarts that target's sampler only; the log
// line says so, and it is no target change for the poller.
TEST(ConfigChangesTest, AChangedKeyspaceBlockRestartsThatTargetsSampler) {
  config::Config before = Base();
  config::Config after = Base();
  after.targets[1].keyspace.top = 5;
  after.keyspace.top = 5;  // the global block as written: what targets resolve counts
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_TRUE(c.keyspace);
  EXPECT_FALSE(c.targets || c.polling || c.checks);
  EXPECT_EQ(DescribeChanges(c), "keyspace: restarted sampler of b");
}

// provider: changes the fixes a target's findings give: a reload applies it.
TEST(ConfigChangesTest, AChangedProviderIsATargetChange) {
  config::Config before = Base();
  config::Config after = Base();
  after.targets[0].provider = Provider::kAzure;
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_TRUE(c.targets);
  EXPECT_EQ(DescribeChanges(c), "targets: changed a");
}

TEST(ConfigChangesTest, AChangedPasswordIsNamedButNeverShown) {
  config::Config before = Base();
  config::Config after = Base();
  after.targets[1].password = Secret("hunter2-new");
  before.targets[1].password = Secret("hunter2-old");
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_EQ(DescribeChanges(c), "targets: changed b");
  EXPECT_THAT(DescribeChanges(c), Not(HasSubstr("hunter2")));
}

TEST(ConfigChangesTest, CheckSettingsGlobalAndPerTarget) {
  config::Config before = Base();
  config::Config after = Base();
  after.checks["memory_high"].params["warning"] = 0.5;
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_TRUE(c.checks);
  EXPECT_FALSE(c.targets);
  EXPECT_THAT(c.descriptions, ElementsAre("checks"));

  after = Base();
  after.targets[0].checks["time_to_full"].enabled = false;
  c = DiffConfigs(before, after);
  EXPECT_TRUE(c.targets);
  EXPECT_THAT(c.descriptions, ElementsAre("targets: changed a"));
}

TEST(ConfigChangesTest, AlertingAndReceivers) {
  config::Config before = Base();
  config::Config after = Base();
  after.alerting.repeat_interval = std::chrono::hours(1);
  after.alerting.receivers.push_back(Hook("team"));
  after.alerting.receivers[0].min_severity = Severity::kCritical;
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_TRUE(c.alerting);
  EXPECT_FALSE(c.targets || c.polling);
  EXPECT_THAT(c.descriptions, ElementsAre("alerting.repeat_interval 4h -> 1h",
                                          "receivers: added team; changed pager"));
  // A changed webhook URL is a secret: named, not shown.
  after = Base();
  after.alerting.receivers[0].settings = alerting::WebhookSettings{Secret("http://x/secret"), {}};
  EXPECT_EQ(DescribeChanges(DiffConfigs(before, after)), "receivers: changed pager");
}

TEST(ConfigChangesTest, AnAlertingKeyWithoutItsOwnWordsStillCounts) {
  config::Config before = Base();
  config::Config after = Base();
  after.alerting.for_by_check["memory_high"] = std::chrono::minutes(5);
  ConfigChanges c = DiffConfigs(before, after);
  EXPECT_TRUE(c.alerting);
  EXPECT_THAT(c.descriptions, ElementsAre("alerting.for"));
}

}  // namespace config_changes_test
}  // namespace memwatch::app
