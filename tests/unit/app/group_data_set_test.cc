#include "app/group_data_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "info/info_parser.h"

namespace memwatch::app {
namespace group_data_set_test {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

config::TargetConfig Node(const std::string& group, const std::string& address,
                          const std::string& role, const std::string& discovered_by) {
  config::TargetConfig t;
  t.name = group + "/" + address;
  t.display_address = address;
  t.group = group;
  t.discovered_by = discovered_by;
  t.role = role;
  return t;
}

config::Config Orders(const std::string& primary, const std::string& replica) {
  config::Config c;
  c.targets = {Node("orders", primary, "primary", "sentinel"),
               Node("orders", replica, "replica", "sentinel")};
  return c;
}

// A noeviction primary at `mib` MiB of a 100 MiB maxmemory, with 10 keys
// without a TTL, `at_s` seconds in.
checks::Observation Poll(double mib, int at_s, Snapshot* storage) {
  *storage = info::ParseInfo(
      "# Memory\r\nused_memory:" + std::to_string(static_cast<int64_t>(mib * 1024 * 1024)) +
      "\r\nmaxmemory:104857600\r\nmaxmemory_policy:noeviction\r\n"
      "# Replication\r\nrole:master\r\n"
      "# Keyspace\r\ndb0:keys=10,expires=0,avg_ttl=0\r\n");
  checks::Observation obs;
  obs.at = MonoTime(std::chrono::seconds(at_s));
  obs.snapshot = storage;
  return obs;
}

TEST(DataSetGroupOfTest, OnlyASentinelGroupsNodesShareADataSet) {
  EXPECT_EQ(DataSetGroupOf(Node("orders", "127.0.0.1:6380", "primary", "sentinel")), "orders");
  // A cluster's shards each hold their own part of the data.
  EXPECT_EQ(DataSetGroupOf(Node("sessions", "127.0.0.1:7000", "primary", "cluster")), "");
  config::TargetConfig configured;
  configured.name = "cache";
  EXPECT_EQ(DataSetGroupOf(configured), "");
}

// Growth of 1 MiB a minute from 30 MiB: full (100 MiB) 70 minutes in, so
// within the default hour's warning horizon from minute 10 on.
TEST(GroupDataSetsTest, OnlyTheTrendChecksRunAndTheyNameTheNodeMeasured) {
  GroupDataSets sets;
  sets.Reconfigure(Orders("127.0.0.1:6380", "127.0.0.1:6381"));
  Snapshot s;
  std::vector<Finding> findings;
  for (int at = 0; at <= 20 * 60; at += 10) {
    findings = sets.Observe("orders", "127.0.0.1:6380", Poll(30 + at / 60.0, at, &s));
  }
  // memory_high, maxmemory_policy and the other node checks do not run here.
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].check, "time_to_full");
  EXPECT_THAT(findings[0].summary, HasSubstr("(measured on the primary, 127.0.0.1:6380)"));
  EXPECT_EQ(findings[0].evidence.back().value, "127.0.0.1:6380");
  EXPECT_THAT(sets.Observe("sessions", "127.0.0.1:7000", Poll(50, 1300, &s)), IsEmpty());
}

TEST(GroupDataSetsTest, TheTrendGoesOnOnTheNewPrimaryAndAStaleObservationChangesNothing) {
  GroupDataSets sets;
  sets.Reconfigure(Orders("127.0.0.1:6380", "127.0.0.1:6381"));
  Snapshot s;
  for (int at = 0; at <= 20 * 60; at += 10) {
    (void)sets.Observe("orders", "127.0.0.1:6380", Poll(30 + at / 60.0, at, &s));
  }
  sets.Reconfigure(Orders("127.0.0.1:6381", "127.0.0.1:6380"));  // a failover
  // The first poll of the new primary: the forecast goes on at once.
  std::vector<Finding> after = sets.Observe("orders", "127.0.0.1:6381", Poll(50.2, 1210, &s));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].check, "time_to_full");
  EXPECT_THAT(after[0].summary, HasSubstr("127.0.0.1:6381"));
  // A poll of the old primary that finished earlier is not mixed in.
  std::vector<Finding> stale = sets.Observe("orders", "127.0.0.1:6380", Poll(99, 1205, &s));
  EXPECT_EQ(stale, after);
  // A group gone from the config is forgotten.
  sets.Reconfigure(config::Config{});
  EXPECT_THAT(sets.Observe("orders", "127.0.0.1:6381", Poll(51, 1220, &s)), IsEmpty());
}

TEST(GroupDataSetsTest, TheGroupsCheckSettingsApply) {
  config::Config c = Orders("127.0.0.1:6380", "127.0.0.1:6381");
  for (config::TargetConfig& t : c.targets) t.checks["time_to_full"].enabled = false;
  GroupDataSets sets;
  sets.Reconfigure(c);
  Snapshot s;
  std::vector<Finding> findings;
  for (int at = 0; at <= 20 * 60; at += 10) {
    findings = sets.Observe("orders", "127.0.0.1:6380", Poll(30 + at / 60.0, at, &s));
  }
  EXPECT_THAT(findings, IsEmpty());
}

}  // namespace group_data_set_test
}  // namespace memwatch::app
