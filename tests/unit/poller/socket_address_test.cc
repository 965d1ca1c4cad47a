#include "poller/socket_address.h"

#include <gtest/gtest.h>
#include <sys/un.h>

namespace memwatch::poller {
namespace socket_address_test {

Endpoint Tcp(std::string host, int port) {
  Endpoint endpoint;
  endpoint.host = std::move(host);
  endpoint.port = port;
  return endpoint;
}

Endpoint Unix(std::string path) {
  Endpoint endpoint;
  endpoint.kind = Endpoint::Kind::kUnix;
  endpoint.path = std::move(path);
  return endpoint;
}

// Numeric addresses resolve without a DNS query: safe in a unit test.
TEST(ResolveEndpointTest, NumericIpv4AndIpv6) {
  auto v4 = ResolveEndpoint(Tcp("127.0.0.1", 6379));
  ASSERT_TRUE(v4.ok()) << v4.status().message();
  ASSERT_EQ(v4.value().size(), 1u);
  EXPECT_EQ(v4.value()[0].text, "127.0.0.1:6379");
  EXPECT_EQ(v4.value()[0].storage.ss_family, AF_INET);

  auto v6 = ResolveEndpoint(Tcp("::1", 7000));
  ASSERT_TRUE(v6.ok()) << v6.status().message();
  ASSERT_EQ(v6.value().size(), 1u);
  EXPECT_EQ(v6.value()[0].text, "[::1]:7000");
  EXPECT_EQ(v6.value()[0].storage.ss_family, AF_INET6);
}

TEST(ResolveEndpointTest, UnixPath) {
  auto resolved = ResolveEndpoint(Unix("/run/redis/redis.sock"));
  ASSERT_TRUE(resolved.ok()) << resolved.status().message();
  ASSERT_EQ(resolved.value().size(), 1u);
  const SocketAddress& address = resolved.value()[0];
  EXPECT_EQ(address.text, "unix:/run/redis/redis.sock");
  const auto* un = reinterpret_cast<const sockaddr_un*>(&address.storage);
  EXPECT_STREQ(un->sun_path, "/run/redis/redis.sock");
}

TEST(ResolveEndpointTest, UnixPathTooLongOrEmptyIsAnError) {
  auto too_long = ResolveEndpoint(Unix("/" + std::string(200, 'a')));
  ASSERT_FALSE(too_long.ok());
  EXPECT_NE(too_long.status().message().find("longer than 107 bytes"), std::string::npos);
  EXPECT_FALSE(ResolveEndpoint(Unix("")).ok());
}

}  // namespace socket_address_test
}  // namespace memwatch::poller
