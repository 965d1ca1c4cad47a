#include "config/address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::config {
namespace address_test {

using ::testing::HasSubstr;
using ::testing::Not;

ParsedAddress Parsed(std::string_view text) {
  Result<ParsedAddress> r = ParseAddress(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.status().message());
  return r.ok() ? r.value() : ParsedAddress{};
}

std::string ErrorOf(std::string_view text) {
  Result<ParsedAddress> r = ParseAddress(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.status().message();
}

Endpoint Tcp(std::string host, int port, int db = 0) {
  Endpoint e;
  e.kind = Endpoint::Kind::kTcp;
  e.host = std::move(host);
  e.port = port;
  e.db = db;
  return e;
}

TEST(ParseAddressTest, HostPort) {
  const ParsedAddress a = Parsed("127.0.0.1:6379");
  EXPECT_EQ(a.endpoint, Tcp("127.0.0.1", 6379));
  EXPECT_EQ(a.display, "127.0.0.1:6379");
  EXPECT_FALSE(a.username);
  EXPECT_FALSE(a.password);
  EXPECT_EQ(Parsed("redis-0.redis.svc_local:7000").endpoint, Tcp("redis-0.redis.svc_local", 7000));
  EXPECT_EQ(Parsed("h:1").endpoint, Tcp("h", 1));
  EXPECT_EQ(Parsed("h:65535").endpoint, Tcp("h", 65535));
}

TEST(ParseAddressTest, BracketedIpv6) {
  const ParsedAddress a = Parsed("[::1]:6379");
  EXPECT_EQ(a.endpoint, Tcp("::1", 6379));
  EXPECT_EQ(a.display, "[::1]:6379");
  EXPECT_EQ(Parsed("[fe80::1%eth0]:6380").endpoint, Tcp("fe80::1%eth0", 6380));
}

TEST(ParseAddressTest, UnixSocket) {
  const ParsedAddress a = Parsed("unix:/var/run/redis/redis.sock");
  EXPECT_EQ(a.endpoint.kind, Endpoint::Kind::kUnix);
  EXPECT_EQ(a.endpoint.path, "/var/run/redis/redis.sock");
  EXPECT_EQ(a.display, "unix:/var/run/redis/redis.sock");
  EXPECT_EQ(Parsed("unix:///run/redis.sock").endpoint.path, "/run/redis.sock");
  EXPECT_EQ(ErrorOf("unix:redis.sock"),
            "a unix socket path must be absolute, e.g. unix:/run/redis/redis-server.sock");
  EXPECT_THAT(ErrorOf("unix:"), HasSubstr("must be absolute"));
}

TEST(ParseAddressTest, RedisUrlDefaults) {
  const ParsedAddress a = Parsed("redis://cache.local");
  EXPECT_EQ(a.endpoint, Tcp("cache.local", 6379));
  EXPECT_EQ(a.display, "redis://cache.local:6379/0");
  EXPECT_EQ(Parsed("redis://h/").endpoint, Tcp("h", 6379));
  EXPECT_EQ(Parsed("REDIS://h:1").endpoint, Tcp("h", 1));
}

TEST(ParseAddressTest, RedisUrlWithPortAndDb) {
  const ParsedAddress a = Parsed("redis://10.0.0.5:6380/3");
  EXPECT_EQ(a.endpoint, Tcp("10.0.0.5", 6380, 3));
  EXPECT_EQ(a.display, "redis://10.0.0.5:6380/3");
  const ParsedAddress v6 = Parsed("redis://[::1]:7000/2");
  EXPECT_EQ(v6.endpoint, Tcp("::1", 7000, 2));
  EXPECT_EQ(v6.display, "redis://[::1]:7000/2");
  EXPECT_EQ(Parsed("redis://[::1]").display, "redis://[::1]:6379/0");
}

TEST(ParseAddressTest, RedisUrlCredentialsAreSeparatedAndMasked) {
  const ParsedAddress a = Parsed("redis://monitor:hunter2@host:6379/0");
  EXPECT_EQ(a.endpoint, Tcp("host", 6379));
  EXPECT_EQ(a.username, "monitor");
  ASSERT_TRUE(a.password);
  EXPECT_EQ(a.password->Reveal(), "hunter2");
  EXPECT_EQ(a.display, "redis://monitor:***@host:6379/0");
  EXPECT_THAT(a.display, Not(HasSubstr("hunter2")));
}

TEST(ParseAddressTest, RedisUrlPasswordOnly) {
  const ParsedAddress a = Parsed("redis://:hunter2@host");
  EXPECT_FALSE(a.username);
  ASSERT_TRUE(a.password);
  EXPECT_EQ(a.password->Reveal(), "hunter2");
  EXPECT_EQ(a.display, "redis://:***@host:6379/0");
}

TEST(ParseAddressTest, RedisUrlUserOnly) {
  const ParsedAddress a = Parsed("redis://monitor@host:1");
  EXPECT_EQ(a.username, "monitor");
  EXPECT_FALSE(a.password);
  EXPECT_EQ(a.display, "redis://monitor@host:1/0");
}

TEST(ParseAddressTest, RedisUrlCredentialsArePercentDecoded) {
  const ParsedAddress a = Parsed("redis://mon%40itor:p%3Aa%2Fss%25@host");
  EXPECT_EQ(a.username, "mon@itor");
  ASSERT_TRUE(a.password);
  EXPECT_EQ(a.password->Reveal(), "p:a/ss%");
  EXPECT_EQ(a.display, "redis://mon%40itor:***@host:6379/0");
}

TEST(ParseAddressTest, RedisUrlRawAtAndColonInPassword) {
  // The last '@' ends the credentials; the first ':' ends the user.
  const ParsedAddress a = Parsed("redis://u:p@ss:w@host:1");
  EXPECT_EQ(a.username, "u");
  ASSERT_TRUE(a.password);
  EXPECT_EQ(a.password->Reveal(), "p@ss:w");
  EXPECT_EQ(a.endpoint, Tcp("host", 1));
}

TEST(ParseAddressTest, RedissUrlTurnsTlsOn) {
  const ParsedAddress a = Parsed("rediss://host");
  EXPECT_TRUE(a.tls);
  EXPECT_EQ(a.endpoint, Tcp("host", 6379));
  EXPECT_EQ(a.display, "rediss://host:6379/0");
  EXPECT_FALSE(Parsed("redis://host").tls);
  EXPECT_FALSE(Parsed("host:6379").tls);
  EXPECT_TRUE(Parsed("REDISS://host:6380").tls);
}

TEST(ParseAddressTest, RedissUrlLikeRedisUrl) {
  const ParsedAddress a = Parsed("rediss://memwatch:hunter2@[::1]:6380/3");
  EXPECT_TRUE(a.tls);
  EXPECT_EQ(a.endpoint, Tcp("::1", 6380, 3));
  EXPECT_EQ(a.username, "memwatch");
  ASSERT_TRUE(a.password);
  EXPECT_EQ(a.password->Reveal(), "hunter2");
  EXPECT_EQ(a.display, "rediss://memwatch:***@[::1]:6380/3");
  EXPECT_EQ(ErrorOf("rediss://"), "the host name is missing, e.g. rediss://host:6379");
  EXPECT_EQ(ErrorOf("rediss://host/x"),
            "the database '/x' is not a number, e.g. rediss://host:6379/0");
  EXPECT_EQ(ErrorOf("rediss://host?ssl_cert_reqs=none"),
            "query parameters ('?...') are not supported in a rediss:// URL");
  EXPECT_THAT(ErrorOf("rediss://user:hunter2@host:0"), Not(HasSubstr("hunter2")));
}

TEST(ParseAddressTest, RejectsOtherSchemes) {
  EXPECT_THAT(ErrorOf("http://host:80"), HasSubstr("unsupported scheme 'http://'"));
}

TEST(ParseAddressTest, RejectsBadPorts) {
  EXPECT_EQ(ErrorOf("host:0"), "port '0' is not a number between 1 and 65535");
  EXPECT_EQ(ErrorOf("host:65536"), "port '65536' is not a number between 1 and 65535");
  EXPECT_EQ(ErrorOf("host:-1"), "port '-1' is not a number between 1 and 65535");
  EXPECT_EQ(ErrorOf("host:http"), "port 'http' is not a number between 1 and 65535");
  EXPECT_EQ(ErrorOf("host:"), "the port is missing after ':'");
  EXPECT_EQ(ErrorOf("host"), "the port is missing: write host:6379");
  EXPECT_EQ(ErrorOf("[::1]"), "the port is missing: write [::1]:6379");
  EXPECT_EQ(ErrorOf("redis://host:99999"), "port '99999' is not a number between 1 and 65535");
}

TEST(ParseAddressTest, RejectsBadHosts) {
  EXPECT_EQ(ErrorOf(""),
            "expected an address: host:port, [ipv6]:port, unix:/path/redis.sock or "
            "redis://[user:password@]host:port[/db]");
  EXPECT_EQ(ErrorOf(":6379"), "the host name is missing");
  EXPECT_EQ(ErrorOf("::1:6379"), "an IPv6 address needs brackets, e.g. [::1]:6379");
  EXPECT_EQ(ErrorOf("[::1:6379"), "'[' of an IPv6 address is not closed by ']'");
  EXPECT_EQ(ErrorOf("[nothex]:1"), "'nothex' in brackets is not an IPv6 address");
  EXPECT_EQ(ErrorOf("[::1]6379"), "expected ':port' after ']', got '6379'");
  EXPECT_EQ(ErrorOf("my host:1"),
            "'my host' is not a host name (letters, digits, '.', '-' and '_' only)");
  EXPECT_EQ(ErrorOf("redis://"), "the host name is missing, e.g. redis://host:6379");
  EXPECT_EQ(ErrorOf("redis://u:p@"), "the host name is missing, e.g. redis://host:6379");
  EXPECT_EQ(ErrorOf("host:1\n"), "the address contains control characters");
}

TEST(ParseAddressTest, RejectsBadDb) {
  EXPECT_EQ(ErrorOf("redis://host/x"),
            "the database '/x' is not a number, e.g. redis://host:6379/0");
  EXPECT_EQ(ErrorOf("redis://host/-1"),
            "the database '/-1' is not a number, e.g. redis://host:6379/0");
  EXPECT_EQ(ErrorOf("redis://host/1?timeout=1"),
            "query parameters ('?...') are not supported in a redis:// URL");
}

TEST(ParseAddressTest, ErrorsNeverContainThePassword) {
  for (std::string_view text : {
           "redis://user:hunter2@host:port99999",
           "redis://user:hunter2@",
           "redis://user:hunter2@[::1",
           "redis://user:hunter2@host/db",
           "redis://user:hunter2@::1:6379",
           "redis://user:hunter2%zz@host",
           "redis://user%zz:hunter2@host",
           "redis://user:hunter2@bad host",
           "user:hunter2@host:6379",
           "rediss://user:hunter2@host:port99999",
           "ftp://user:hunter2@host",
       }) {
    const std::string message = ErrorOf(text);
    EXPECT_FALSE(message.empty()) << text;
    EXPECT_THAT(message, Not(HasSubstr("hunter2"))) << text;
  }
}

TEST(ParseAddressTest, BadPercentEncodingIsReported) {
  EXPECT_EQ(ErrorOf("redis://user:pass%2@host"),
            "invalid percent-encoding (%XX) in the URL's password");
  EXPECT_EQ(ErrorOf("redis://us%g0er:pass@host"),
            "invalid percent-encoding (%XX) in the URL's user name");
}

TEST(ParseAddressTest, CredentialsOutsideAUrl) {
  EXPECT_EQ(ErrorOf("user:hunter2@host:6379"),
            "credentials are only accepted in a redis:// URL: redis://user:password@host:port");
}

TEST(ParseListenAddressTest, Forms) {
  Result<ListenAddress> a = ParseListenAddress("127.0.0.1:9479");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().host, "127.0.0.1");
  EXPECT_EQ(a.value().port, 9479);
  Result<ListenAddress> any = ParseListenAddress(":9479");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any.value().host, "");
  EXPECT_EQ(any.value().port, 9479);
  Result<ListenAddress> v6 = ParseListenAddress("[::1]:9479");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6.value().host, "::1");
  // Port 0: the OS picks one (tests).
  Result<ListenAddress> ephemeral = ParseListenAddress("127.0.0.1:0");
  ASSERT_TRUE(ephemeral.ok());
  EXPECT_EQ(ephemeral.value().port, 0);
}

TEST(ParseListenAddressTest, Errors) {
  EXPECT_EQ(ParseListenAddress("9479").status().message(),
            "the port is missing; expected host:port, [ipv6]:port or :port, e.g. 127.0.0.1:9479");
  EXPECT_EQ(ParseListenAddress("host:70000").status().message(),
            "port '70000' is not a number between 0 and 65535; expected host:port, [ipv6]:port "
            "or :port, e.g. 127.0.0.1:9479");
  EXPECT_FALSE(ParseListenAddress("").ok());
}

TEST(ParseHostPortTest, Forms) {
  Result<HostPort> name = ParseHostPort("smtp.example.com:587", 587);
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name.value().host, "smtp.example.com");
  EXPECT_EQ(name.value().port, 587);
  Result<HostPort> v6 = ParseHostPort("[2001:db8::25]:25", 587);
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6.value().host, "2001:db8::25");
  EXPECT_EQ(v6.value().port, 25);
}

TEST(ParseHostPortTest, Errors) {
  EXPECT_EQ(ParseHostPort("smtp.example.com", 587).status().message(),
            "the port is missing: write smtp.example.com:587");
  EXPECT_EQ(ParseHostPort("[::1]", 465).status().message(), "the port is missing: write [::1]:465");
  EXPECT_EQ(ParseHostPort("", 587).status().message(),
            "expected host:port, e.g. smtp.example.com:587");
  EXPECT_EQ(ParseHostPort("h:0", 587).status().message(),
            "port '0' is not a number between 1 and 65535");
}

}  // namespace address_test
}  // namespace memwatch::config
