#include "poller/protocol.h"

#include <gtest/gtest.h>

namespace memwatch::poller {
namespace protocol_test {

TEST(FormatCommandTest, EncodesArgumentsBinarySafe) {
  EXPECT_EQ(FormatCommand({"SET", "a b", "x\r\ny"}),
            "*3\r\n$3\r\nSET\r\n$3\r\na b\r\n$4\r\nx\r\ny\r\n");
  EXPECT_EQ(FormatCommand({"PING"}), "*1\r\n$4\r\nPING\r\n");
}

TEST(AuthCommandTest, SendsUserAndPasswordOrPasswordOnly) {
  EXPECT_EQ(AuthCommand("alice", Secret("s3cret")),
            "*3\r\n$4\r\nAUTH\r\n$5\r\nalice\r\n$6\r\ns3cret\r\n");
  EXPECT_EQ(AuthCommand(std::nullopt, Secret("p w")), "*2\r\n$4\r\nAUTH\r\n$3\r\np w\r\n");
}

TEST(InfoCommandTest, AsksForOurSectionsOrForTheDefaults) {
  EXPECT_EQ(InfoCommand(false), "*1\r\n$4\r\nINFO\r\n");
  EXPECT_EQ(InfoCommand(true), FormatCommand({"INFO", "server", "clients", "memory", "persistence",
                                              "stats", "replication", "errorstats", "keyspace"}));
}

TEST(IsSectionSyntaxErrorTest, RecognisesHowOldRedisRefusesSeveralSections) {
  EXPECT_TRUE(IsSectionSyntaxError("ERR syntax error"));
  EXPECT_TRUE(IsSectionSyntaxError("ERR wrong number of arguments for 'info' command"));
  EXPECT_FALSE(IsSectionSyntaxError("ERR unknown command 'INFO'"));
  EXPECT_FALSE(IsSectionSyntaxError("LOADING Redis is loading the dataset in memory"));
  EXPECT_FALSE(IsSectionSyntaxError("NOAUTH Authentication required."));
}

TEST(IsAuthErrorTest, RecognisesEveryWayOfBeingRefused) {
  EXPECT_TRUE(IsAuthError("WRONGPASS invalid username-password pair or user is disabled."));
  EXPECT_TRUE(IsAuthError("NOAUTH Authentication required."));
  EXPECT_TRUE(IsAuthError("NOPERM this user has no permissions to run the 'info' command"));
  EXPECT_TRUE(IsAuthError("ERR invalid password"));
  EXPECT_TRUE(IsAuthError(
      "ERR AUTH <password> called without any password configured for the default user. Are "
      "you sure your configuration is correct?"));
  EXPECT_TRUE(IsAuthError("ERR Client sent AUTH, but no password is set"));
  EXPECT_FALSE(IsAuthError("ERR syntax error"));
  EXPECT_FALSE(IsAuthError("LOADING Redis is loading the dataset in memory"));
}

TEST(LooksLikeInfoTest, AcceptsInfoTextOnly) {
  EXPECT_TRUE(LooksLikeInfo("# Server\r\nredis_version:7.0.15\r\n"));
  EXPECT_TRUE(LooksLikeInfo("redis_version:2.4.17\r\nused_memory:1\r\n"));
  EXPECT_FALSE(LooksLikeInfo(""));
  EXPECT_FALSE(LooksLikeInfo("#"));
  EXPECT_FALSE(LooksLikeInfo("# "));
  EXPECT_FALSE(LooksLikeInfo("OK"));
  EXPECT_FALSE(LooksLikeInfo("<html><body>proxy error: 502</body></html>"));
  EXPECT_FALSE(LooksLikeInfo("hello world: not info"));
  EXPECT_FALSE(LooksLikeInfo(":no key"));
}

TEST(SafeErrorTextTest, NeverRepeatsThePassword) {
  const std::optional<Secret> password = Secret("hunter2");
  EXPECT_EQ(SafeErrorText("ERR bad 'hunter2' and hunter2", password),
            "ERR bad '<redacted>' and <redacted>");
  EXPECT_EQ(SafeErrorText("ERR hunter2", std::nullopt), "ERR hunter2");
  EXPECT_EQ(SafeErrorText("ERR x", Secret("")), "ERR x");
}

TEST(SafeErrorTextTest, CutsLongTextAfterRedactingAndBlanksControlBytes) {
  const std::optional<Secret> password = Secret("abcdef");
  const std::string text = std::string(195, 'x') + "abcdef" + std::string(50, 'y');
  const std::string safe = SafeErrorText(text, password);
  EXPECT_EQ(safe.find("abc"), std::string::npos);
  EXPECT_EQ(safe.size(), 203u);  // 200 + "..."
  EXPECT_EQ(SafeErrorText("a\nb\x01", std::nullopt), "a b ");
}

TEST(FormatAddressTest, NamesEachKindOfEndpoint) {
  Endpoint tcp;
  tcp.host = "10.0.0.1";
  tcp.port = 6380;
  EXPECT_EQ(FormatAddress(tcp), "10.0.0.1:6380");
  tcp.host = "::1";
  EXPECT_EQ(FormatAddress(tcp), "[::1]:6380");
  tcp.host = "redis.example";
  EXPECT_EQ(FormatAddress(tcp), "redis.example:6380");
  Endpoint unix_socket;
  unix_socket.kind = Endpoint::Kind::kUnix;
  unix_socket.path = "/run/redis/redis.sock";
  EXPECT_EQ(FormatAddress(unix_socket), "unix:/run/redis/redis.sock");
}

}  // namespace protocol_test
}  // namespace memwatch::poller
