// The Sentinel parsers over real replies of redis-server 7.0.15 in sentinel
// mode (raw RESP captured from a socket: a group "mymaster" of a primary and
// one replica, two sentinels, quorum 2; once with the replica stopped by
// SIGSTOP, flagged s_down), hand-made variants and malformed replies.
#include "discovery/sentinel_view.h"

#include <gtest/gtest.h>

#include <string>

#include "fixture.h"
#include "resp_text.h"

namespace memwatch::discovery {
namespace sentinel_view_test {

using V = RespValue;

RespValue Fixture(const std::string& name) {
  std::optional<RespValue> v = resp_text::Decode(fixture::Read(name));
  EXPECT_TRUE(v.has_value()) << name;
  return v.value_or(V::Error("fixture " + name + " does not decode"));
}

TEST(ParseGetMasterAddrByName, RealReplies) {
  const auto r = ParseGetMasterAddrByName(Fixture("sentinel_get_master_addr_7.0.resp"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value(), (NodeAddress{"127.0.0.1", 23275}));
  const auto unknown =
      ParseGetMasterAddrByName(Fixture("sentinel_get_master_addr_unknown_7.0.resp"));
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown.value().has_value());
}

TEST(ParseGetMasterAddrByName, Malformed) {
  for (const V& reply : {V::Error("ERR nope"), V::Array({V::String("h")}),
                         V::Array({V::String("h"), V::String("70000")}),
                         V::Array({V::String("h"), V::Integer(1)})}) {
    const auto r = ParseGetMasterAddrByName(reply);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().message().rfind("SENTINEL GET-MASTER-ADDR-BY-NAME: ", 0), 0u);
  }
}

TEST(ParseSentinelInstances, RealReplicasAndSentinels) {
  auto r = ParseSentinelInstances(Fixture("sentinel_replicas_7.0.resp"), "SENTINEL REPLICAS");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r.value().size(), 1u);
  const SentinelInstance& replica = r.value()[0];
  EXPECT_EQ(replica.name, "127.0.0.1:23279");
  EXPECT_EQ(replica.address, (NodeAddress{"127.0.0.1", 23279}));
  EXPECT_EQ(replica.run_id, "6945d7987d06c123f73fff1be9175be4cd9c0de8");
  EXPECT_TRUE(replica.flags.replica);
  EXPECT_FALSE(replica.Down());
  EXPECT_EQ(replica.master_link_status, "ok");

  r = ParseSentinelInstances(Fixture("sentinel_replicas_sdown_7.0.resp"), "SENTINEL REPLICAS");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r.value().at(0).flags.s_down);
  EXPECT_TRUE(r.value().at(0).Down());

  r = ParseSentinelInstances(Fixture("sentinel_sentinels_7.0.resp"), "SENTINEL SENTINELS");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r.value().size(), 1u);
  EXPECT_TRUE(r.value()[0].flags.sentinel);
  EXPECT_EQ(r.value()[0].name, r.value()[0].run_id);
}

V Instance(const std::string& port, const std::string& flags) {
  return V::Array({V::String("name"), V::String("n"), V::String("ip"), V::String("10.0.0.1"),
                   V::String("port"), V::String(port), V::String("flags"), V::String(flags)});
}

TEST(ParseSentinelInstances, FlagsAndErrors) {
  auto r = ParseSentinelInstances(V::Array({Instance("6379", "o_down,slave,disconnected,new")}),
                                  "SENTINEL SLAVES");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r.value()[0].flags.o_down && r.value()[0].flags.disconnected);
  EXPECT_TRUE(r.value()[0].Down());

  r = ParseSentinelInstances(V::Array({Instance("6379", "slave"), Instance("x", "slave")}),
                             "SENTINEL SLAVES");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "SENTINEL SLAVES: instance 1: port \"x\" is not 0-65535");
  r = ParseSentinelInstances(V::Array({V::Array({V::String("name")})}), "SENTINEL SENTINELS");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("missing"), std::string::npos);
  r = ParseSentinelInstances(V::Error("ERR No such master with that name"), "SENTINEL REPLICAS");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("No such master"), std::string::npos);
}

TEST(ParseSentinelMaster, RealReply) {
  const auto r = ParseSentinelMaster(Fixture("sentinel_master_7.0.resp"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().instance.name, "mymaster");
  EXPECT_EQ(r.value().instance.address, (NodeAddress{"127.0.0.1", 23275}));
  EXPECT_TRUE(r.value().instance.flags.primary);
  EXPECT_EQ(r.value().quorum, 2);
  EXPECT_EQ(r.value().num_other_sentinels, 1);
  EXPECT_EQ(r.value().num_replicas, 1);
  EXPECT_EQ(r.value().config_epoch, 0);
}

TEST(ParseSentinelMaster, MissingQuorumIsAnError) {
  const auto r = ParseSentinelMaster(Instance("6379", "master"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("\"quorum\""), std::string::npos);
  EXPECT_FALSE(ParseSentinelMaster(V::Nil()).ok());
}

TEST(ParseSwitchMaster, Payloads) {
  const auto r = ParseSwitchMaster("mymaster 10.0.0.1 6379 10.0.0.2 6380");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value(), (SwitchMaster{"mymaster", {"10.0.0.1", 6379}, {"10.0.0.2", 6380}}));
  for (const char* bad : {"", "mymaster 10.0.0.1 6379 10.0.0.2", "m a 1 b 2 extra", "m a x b 2",
                          "m a 1 b 99999", "m  1 b 2"}) {
    EXPECT_FALSE(ParseSwitchMaster(bad).ok()) << bad;
  }
}

}  // namespace sentinel_view_test
}  // namespace memwatch::discovery
