// Which targets the daemon looks up a container limit for, and what it says
// when it cannot: the files themselves are host::FindContainerLimit's
// (tests/unit/host) and the real cgroup is tests/integration.
#include "app/container_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::app {
namespace container_limits_test {

using ::testing::HasSubstr;

Endpoint Tcp(const std::string& host, int port) {
  Endpoint e;
  e.host = host;
  e.port = port;
  return e;
}

Snapshot Info(std::optional<int64_t> pid, std::optional<int64_t> tcp_port) {
  Snapshot s;
  s.process_id = pid;
  s.tcp_port = tcp_port;
  return s;
}

TEST(LocalProcessQueryTest, OnlyRedisOnThisHostIsLookedUp) {
  EXPECT_FALSE(LocalProcessQuery(Tcp("10.0.0.5", 6379), Info(812, 6379)).has_value());
  EXPECT_FALSE(LocalProcessQuery(Tcp("redis.example", 6379), Info(812, 6379)).has_value());
  EXPECT_FALSE(LocalProcessQuery(Tcp("127.0.0.1", 6379), Info(std::nullopt, 6379)).has_value());

  const auto local = LocalProcessQuery(Tcp("127.0.0.1", 16379), Info(1, 6379));
  ASSERT_TRUE(local.has_value());
  EXPECT_EQ(local->process_id, 1);
  EXPECT_EQ(local->tcp_port, 6379);  // Redis's own port, behind a port mapping

  const auto ipv6 = LocalProcessQuery(Tcp("::1", 6380), Info(7, 0));
  ASSERT_TRUE(ipv6.has_value());
  EXPECT_EQ(ipv6->tcp_port, 6380);  // tcp_port:0, a TLS-only Redis: the address's port

  Endpoint unix_socket;
  unix_socket.kind = Endpoint::Kind::kUnix;
  unix_socket.path = "/run/redis/redis.sock";
  const auto by_socket = LocalProcessQuery(unix_socket, Info(9, 0));
  ASSERT_TRUE(by_socket.has_value());
  EXPECT_EQ(by_socket->unix_socket, "/run/redis/redis.sock");
  EXPECT_FALSE(by_socket->tcp_port.has_value());
}

TEST(LookUpContainerLimitTest, SaysWhyNothingCanBeRead) {
  const host::HostPaths nowhere{.proc = "/nonexistent/proc", .root = "/nonexistent"};
  auto remote = LookUpContainerLimit(nowhere, Tcp("10.0.0.5", 6379), Info(812, 6379));
  ASSERT_FALSE(remote.ok());
  EXPECT_THAT(remote.status().message(), HasSubstr("not on this host"));
  EXPECT_THAT(remote.status().message(), HasSubstr("set memory_limit"));

  auto no_pid = LookUpContainerLimit(nowhere, Tcp("127.0.0.1", 6379), Info(std::nullopt, 6379));
  ASSERT_FALSE(no_pid.ok());
  EXPECT_THAT(no_pid.status().message(), HasSubstr("no process_id"));

  auto hidden = LookUpContainerLimit(nowhere, Tcp("127.0.0.1", 6379), Info(812, 6379));
  EXPECT_FALSE(hidden.ok());
}

TEST(DescribeContainerLimitTest, NamesTheFileOrSaysThereIsNone) {
  host::ContainerLimit found{.pid = 4242,
                             .bytes = int64_t{4} * 1024 * 1024 * 1024,
                             .file = "/sys/fs/cgroup/memory/redis/memory.limit_in_bytes",
                             .cgroup_version = 1};
  EXPECT_EQ(DescribeContainerLimit(found),
            "4 GiB from /sys/fs/cgroup/memory/redis/memory.limit_in_bytes (cgroup v1, pid 4242)");
  found.bytes.reset();
  found.cgroup_version = 2;
  EXPECT_EQ(DescribeContainerLimit(found), "no memory limit in its cgroup (cgroup v2, pid 4242)");
}

}  // namespace container_limits_test
}  // namespace memwatch::app
