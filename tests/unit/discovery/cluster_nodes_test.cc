// ParseClusterNodes: real replies of a 3+3 Redis 7.0 cluster (captured with
// redis-cli from redis-server 7.0.15, hostnames announced), the same cluster
// in the 6.2 form (address without hostname, written by hand from the
// docs), importing/migrating entries, and every malformed line refused with
// its line number.
#include "discovery/cluster_nodes.h"

#include <gtest/gtest.h>

#include <string>

#include "fixture.h"

namespace memwatch::discovery {
namespace cluster_nodes_test {

const std::string kA(40, 'a');
const std::string kB(40, 'b');

const ClusterNode* Find(const ClusterNodes& nodes, const std::string& id_prefix) {
  for (const ClusterNode& n : nodes.nodes) {
    if (n.id.rfind(id_prefix, 0) == 0) {
      return &n;
    }
  }
  return nullptr;
}

TEST(ParseClusterNodes, Redis70WithHostnames) {
  const Result<ClusterNodes> r = ParseClusterNodes(fixture::Read("cluster_nodes_7.0.txt"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r.value().nodes.size(), 6u);
  const ClusterNode* me = Find(r.value(), "ddd9de84");
  ASSERT_NE(me, nullptr);
  EXPECT_TRUE(me->flags.myself);
  EXPECT_TRUE(me->flags.primary);
  EXPECT_FALSE(me->flags.replica);
  EXPECT_EQ(me->ip, "127.0.0.1");
  EXPECT_EQ(me->hostname, "node-23275.test");
  EXPECT_EQ(me->address, (NodeAddress{"node-23275.test", 23275}));
  EXPECT_EQ(me->bus_port, 33275);
  EXPECT_TRUE(me->primary_id.empty());
  EXPECT_TRUE(me->connected);
  EXPECT_EQ(me->config_epoch, 1);
  EXPECT_EQ(me->slots, (std::vector<SlotRange>{{0, 5460}}));
  const ClusterNode* replica = Find(r.value(), "9d1361d6");
  ASSERT_NE(replica, nullptr);
  EXPECT_TRUE(replica->flags.replica);
  EXPECT_EQ(replica->primary_id, me->id);
  EXPECT_TRUE(replica->slots.empty());
}

TEST(ParseClusterNodes, Redis62WithoutHostnames) {
  const Result<ClusterNodes> r = ParseClusterNodes(fixture::Read("cluster_nodes_6.2.txt"));
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r.value().nodes.size(), 6u);
  const ClusterNode* n = Find(r.value(), "72dd0f34");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->address, (NodeAddress{"127.0.0.1", 23276}));
  EXPECT_TRUE(n->hostname.empty());
  EXPECT_EQ(n->slots, (std::vector<SlotRange>{{5461, 10922}}));
}

TEST(ParseClusterNodes, MigratingAndImportingEntriesAreSkipped) {
  for (const char* name : {"cluster_nodes_7.0_migrating.txt", "cluster_nodes_7.0_importing.txt"}) {
    const Result<ClusterNodes> r = ParseClusterNodes(fixture::Read(name));
    ASSERT_TRUE(r.ok()) << name << ": " << r.status().message();
    const ClusterNode* me = nullptr;
    for (const ClusterNode& n : r.value().nodes) {
      me = n.flags.myself ? &n : me;
    }
    ASSERT_NE(me, nullptr);
    EXPECT_EQ(me->slots.size(), 1u) << name;  // the [100->-id] entry is no slot
  }
}

TEST(ParseClusterNodeLine, Variants) {
  // 7.2: aux fields after the hostname, here with an empty hostname.
  Result<ClusterNode> r = ParseClusterNodeLine(
      kA + " 10.0.0.1:7000@17000,,tls-port=0,shard-id=abc master,nofailover - 0 0 4 " +
      "connected 0 2-3 5-5");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().address, (NodeAddress{"10.0.0.1", 7000}));
  EXPECT_TRUE(r.value().flags.nofailover);
  EXPECT_EQ(r.value().slots, (std::vector<SlotRange>{{0, 0}, {2, 3}, {5, 5}}));
  // IPv6, failed, disconnected, a replica.
  r = ParseClusterNodeLine(kB + " ::1:7001@17001 slave,fail " + kA + " 1 2 4 disconnected");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().address, (NodeAddress{"::1", 7001}));
  EXPECT_TRUE(r.value().flags.fail);
  EXPECT_FALSE(r.value().connected);
  // No address, handshake, noflags, pre-4.0 without @cport, unknown flags.
  r = ParseClusterNodeLine(kB + " :0@0 noaddr,handshake,fail?,whatever - 0 0 0 connected");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE(r.value().flags.noaddr && r.value().flags.handshake && r.value().flags.pfail);
  EXPECT_EQ(r.value().address, (NodeAddress{"", 0}));
  r = ParseClusterNodeLine(kB + " 10.0.0.2:6379 noflags - 0 0 0 connected");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().flags, NodeFlags{});
  EXPECT_EQ(r.value().bus_port, 0);
}

TEST(ParseClusterNodes, MalformedLinesNameLineAndProblem) {
  const std::string good = kA + " 10.0.0.1:7000@17000 master - 0 0 1 connected 0-100\n";
  const struct {
    std::string line;
    std::string expected;
  } cases[] = {
      {"short line", "2 fields"},
      {"xyz 1.2.3.4:1@2 master - 0 0 1 connected", "node id \"xyz\""},
      {kB + " 1.2.3.4 master - 0 0 1 connected", "is not ip:port@cport"},
      {kB + " 1.2.3.4:99999@1 master - 0 0 1 connected", "is not ip:port@cport"},
      {kB + " 1.2.3.4:1@x master - 0 0 1 connected", "bus port"},
      {kB + " 1.2.3.4:1@2 slave nope 0 0 1 connected", "primary \"nope\""},
      {kB + " 1.2.3.4:1@2 master - x 0 1 connected", "ping-sent"},
      {kB + " 1.2.3.4:1@2 master - 0 0 -1 connected", "config-epoch"},
      {kB + " 1.2.3.4:1@2 master - 0 0 1 up", "link-state \"up\""},
      {kB + " 1.2.3.4:1@2 master - 0 0 1 connected 10-5", "not ascending"},
      {kB + " 1.2.3.4:1@2 master - 0 0 1 connected 16384", "not ascending"},
      {kB + " 1.2.3.4:1@2 master - 0 0 1 connected a-b", "not a number"},
      {kB + " 1.2.3.4:1@2 master - 0 0 1 connected [100->-", "unterminated"},
      {kA + " 1.2.3.4:1@2 master - 0 0 1 connected", "appears twice"},
  };
  for (const auto& c : cases) {
    const Result<ClusterNodes> r = ParseClusterNodes(good + "\r\n" + c.line + "\n");
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_NE(r.status().message().find("CLUSTER NODES line 3: "), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos)
        << c.line << " -> " << r.status().message();
  }
}

TEST(ParseClusterNodes, EmptyTextHasNoNodes) {
  const Result<ClusterNodes> r = ParseClusterNodes("");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().nodes.empty());
}

TEST(ParseClusterNodes, Bounds) {
  std::string text;
  for (size_t i = 0; i <= kMaxClusterNodes; ++i) {
    char id[41];
    std::snprintf(id, sizeof id, "%040zx", i);
    text += std::string{id} + " 10.0.0.1:7000@17000 master - 0 0 1 connected\n";
  }
  Result<ClusterNodes> r = ParseClusterNodes(text);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 10000 nodes"), std::string::npos);
  r = ParseClusterNodes(kA + " 1.2.3.4:1@2 master - 0 0 1 connected " +
                        std::string(kMaxClusterNodesLineBytes, '1'));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1: line longer than"), std::string::npos);
}

}  // namespace cluster_nodes_test
}  // namespace memwatch::discovery
