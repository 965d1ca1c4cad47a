#include "app/watched_primary.h"

#include <gtest/gtest.h>

#include <vector>

namespace memwatch::app {
namespace watched_primary_test {

Endpoint Tcp(std::string host, int port) {
  Endpoint e;
  e.host = std::move(host);
  e.port = port;
  return e;
}

Snapshot ReplicaOf(std::string host, int64_t port) {
  Snapshot s;
  s.role = "slave";
  s.master_host = std::move(host);
  s.master_port = port;
  return s;
}

TEST(WatchedPrimaryTest, MatchedByTheAddressTheReplicaReports) {
  const std::vector<WatchedTarget> watched = {
      {"cache", Tcp("10.0.0.5", 6379), 1 << 30},
      {"orders", Tcp("10.0.0.7", 6379), int64_t{4} << 30},
      {"orders-replica", Tcp("10.0.0.8", 6379), 0},
  };
  const std::optional<checks::PrimaryLimit> p =
      WatchedPrimaryOf(ReplicaOf("10.0.0.7", 6379), watched);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "orders");
  EXPECT_EQ(p->maxmemory, int64_t{4} << 30);
}

TEST(WatchedPrimaryTest, NothingUnlessAReplicaOfAWatchedPrimaryWithAKnownMaxmemory) {
  std::vector<WatchedTarget> watched = {{"orders", Tcp("10.0.0.7", 6379), std::nullopt}};
  EXPECT_FALSE(WatchedPrimaryOf(ReplicaOf("10.0.0.7", 6379), watched).has_value())
      << "the primary was never polled";
  watched[0].maxmemory = 0;
  EXPECT_TRUE(WatchedPrimaryOf(ReplicaOf("10.0.0.7", 6379), watched).has_value());
  EXPECT_FALSE(WatchedPrimaryOf(ReplicaOf("10.0.0.7", 6380), watched).has_value());
  EXPECT_FALSE(WatchedPrimaryOf(ReplicaOf("orders.internal", 6379), watched).has_value());
  Snapshot primary = ReplicaOf("10.0.0.7", 6379);
  primary.role = "master";
  EXPECT_FALSE(WatchedPrimaryOf(primary, watched).has_value());
  Snapshot unix_target = ReplicaOf("", 6379);
  watched.push_back({"local", Endpoint{Endpoint::Kind::kUnix, "", 6379, "/run/redis.sock", 0}, 0});
  EXPECT_FALSE(WatchedPrimaryOf(unix_target, watched).has_value());
}

}  // namespace watched_primary_test
}  // namespace memwatch::app
