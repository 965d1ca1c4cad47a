// CommandClient against real redis-servers (plain, requirepass, TLS, unix
// socket) and a loopback listener that never answers: pipelines, SCAN,
// MEMORY USAGE, AUTH, deadlines, a server killed mid-pipeline.
#include "poller/command_client.h"

#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <set>
#include <string>
#include <vector>

#include "harness/fake_resp_server.h"
#include "harness/loopback_socket.h"
#include "harness/redis_server.h"
#include "harness/test_certificates.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace command_client_test {

using poller::CommandClient;
using poller::CommandClientOptions;
using poller::PollTarget;
using poller::Reply;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;
using Commands = std::vector<std::vector<std::string>>;

PollTarget Tcp(int port) {
  PollTarget t;
  t.name = "r";
  t.endpoint.host = "127.0.0.1";
  t.endpoint.port = port;
  return t;
}

MonoTime In(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

// Runs `commands` and requires the call to succeed.
std::vector<Reply> Send(CommandClient& client, const Commands& commands,
                        std::chrono::milliseconds timeout = seconds(10)) {
  auto replies = client.Pipeline(commands, In(timeout));
  if (!replies.ok()) {
    ADD_FAILURE() << replies.status().message();
    return {};
  }
  return std::move(replies).value();
}

TEST(CommandClientTest, SubscribesAndReceivesMessagesWithADeadline) {
  RedisServer redis;
  SystemClock clock;
  CommandClient client(Tcp(redis.Port()), {}, clock);
  ASSERT_TRUE(client.Send({"PSUBSCRIBE", "news.*"}, In(seconds(5))).ok());
  auto confirmed = client.Receive(In(seconds(5)));
  ASSERT_TRUE(confirmed.ok()) << confirmed.status().message();
  ASSERT_EQ(confirmed.value().size(), 1u);
  ASSERT_EQ(confirmed.value()[0].elements.size(), 3u);
  EXPECT_EQ(confirmed.value()[0].elements[0].text, "psubscribe");
  // Nothing published: the deadline passes, the connection stays.
  const MonoTime before = clock.Now();
  auto quiet = client.Receive(In(milliseconds(100)));
  ASSERT_TRUE(quiet.ok()) << quiet.status().message();
  EXPECT_TRUE(quiet.value().empty());
  EXPECT_GE(clock.Now() - before, milliseconds(95));
  EXPECT_TRUE(client.connected());
  // Several messages, binary payloads intact, however they arrive.
  const std::string payload("a\r\n\0\xff", 5);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(redis.Cli({"PUBLISH", "news.x", payload}), "1");
  std::vector<Reply> messages;
  while (messages.size() < 3) {
    auto got = client.Receive(In(seconds(5)));
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_FALSE(got.value().empty());
    for (Reply& r : got.value()) messages.push_back(std::move(r));
  }
  ASSERT_EQ(messages.size(), 3u);
  ASSERT_EQ(messages[2].elements.size(), 4u);
  EXPECT_EQ(messages[2].elements[0].text, "pmessage");
  EXPECT_EQ(messages[2].elements[2].text, "news.x");
  EXPECT_EQ(messages[2].elements[3].text, payload);
  // The server goes away: a failure, and the connection is closed.
  redis.Stop();
  auto lost = client.Receive(In(seconds(5)));
  EXPECT_FALSE(lost.ok());
  EXPECT_FALSE(client.connected());
  EXPECT_FALSE(client.Receive(In(milliseconds(10))).ok());
}

TEST(CommandClientTest, PipelinesAThousandSetTtlAndTypeCommands) {
  RedisServer redis;
  SystemClock clock;
  CommandClient client(Tcp(redis.Port()), {}, clock);
  Commands commands;
  for (int i = 0; commands.size() < 1000; ++i) {
    // Binary key names, CRLF included, travel intact.
    const std::string key = "k:" + std::to_string(i) + std::string("\r\n\0\xff", 4);
    commands.push_back({"SET", key, std::string(i % 50, 'v'), "EX", "1000"});
    commands.push_back({"TTL", key});
    commands.push_back({"TYPE", key});
  }
  commands.resize(1000);
  const std::vector<Reply> replies = Send(client, commands);
  ASSERT_EQ(replies.size(), 1000u);
  for (size_t i = 0; i < replies.size(); ++i) {
    const Reply& r = replies[i];
    switch (i % 3) {
      case 0:
        EXPECT_EQ(r.type, Reply::Type::kStatus) << i;
        EXPECT_EQ(r.text, "OK") << i;
        break;
      case 1:
        EXPECT_EQ(r.type, Reply::Type::kInteger) << i;
        EXPECT_GT(r.integer, 990) << i;
        EXPECT_LE(r.integer, 1000) << i;
        break;
      default:
        EXPECT_EQ(r.type, Reply::Type::kStatus) << i;
        EXPECT_EQ(r.text, "string") << i;
    }
  }
  EXPECT_EQ(redis.Cli({"DBSIZE"}), "334");
  // The connection is kept for the next call.
  EXPECT_TRUE(client.connected());
  EXPECT_EQ(Send(client, {{"PING"}}).at(0).text, "PONG");
}

TEST(CommandClientTest, AFullScanCycleCollectsEveryKey) {
  RedisServer redis;
  SystemClock clock;
  CommandClient client(Tcp(redis.Port()), {}, clock);
  std::set<std::string> written;
  for (int batch = 0; batch < 10; ++batch) {
    Commands sets;
    for (int i = 0; i < 1000; ++i) {
      const std::string key = "user:" + std::to_string(batch) + ":" + std::to_string(i);
      sets.push_back({"SET", key, "x"});
      written.insert(key);
    }
    const std::vector<Reply> replies = Send(client, sets);
    ASSERT_EQ(replies.size(), 1000u);
    for (const Reply& r : replies) ASSERT_EQ(r.text, "OK");
  }

  std::set<std::string> seen;
  std::string cursor = "0";
  int calls = 0;
  do {
    const std::vector<Reply> replies = Send(client, {{"SCAN", cursor, "COUNT", "100"}});
    ASSERT_EQ(replies.size(), 1u);
    const Reply& scan = replies[0];
    ASSERT_EQ(scan.type, Reply::Type::kArray);
    ASSERT_EQ(scan.elements.size(), 2u);
    ASSERT_EQ(scan.elements[1].type, Reply::Type::kArray);
    cursor = scan.elements[0].text;
    for (const Reply& key : scan.elements[1].elements) seen.insert(key.text);
    ASSERT_LT(++calls, 1000) << "SCAN does not end";
  } while (cursor != "0");
  EXPECT_EQ(seen, written);
  EXPECT_GE(calls, 50);  // COUNT 100 over 10,000 keys: many calls, not one
}

TEST(CommandClientTest, MemoryUsageTypeAndTtlForASampleOfKeys) {
  RedisServer redis;
  SystemClock clock;
  CommandClient client(Tcp(redis.Port()), {}, clock);
  Send(client,
       {{"SET", "s", std::string(1000, 'x')}, {"HSET", "h", "f", "v"}, {"EXPIRE", "h", "60"}});
  const std::vector<Reply> replies = Send(client, {{"MEMORY", "USAGE", "s", "SAMPLES", "0"},
                                                   {"MEMORY", "USAGE", "h", "SAMPLES", "0"},
                                                   {"MEMORY", "USAGE", "gone", "SAMPLES", "0"},
                                                   {"TYPE", "h"},
                                                   {"TTL", "h"},
                                                   {"TTL", "s"},
                                                   {"TYPE", "gone"}});
  ASSERT_EQ(replies.size(), 7u);
  EXPECT_EQ(replies[0].type, Reply::Type::kInteger);
  EXPECT_GE(replies[0].integer, 1000);
  EXPECT_EQ(replies[1].type, Reply::Type::kInteger);
  EXPECT_GT(replies[1].integer, 0);
  EXPECT_EQ(replies[2].type, Reply::Type::kNil);  // the key went away between SCAN and here
  EXPECT_EQ(replies[3].text, "hash");
  EXPECT_GT(replies[4].integer, 0);
  EXPECT_EQ(replies[5].integer, -1);  // no expiry
  EXPECT_EQ(replies[6].text, "none");
}

TEST(CommandClientTest, AnErrorReplyIsAValueAndTheConnectionGoesOn) {
  RedisServer redis;
  SystemClock clock;
  CommandClient client(Tcp(redis.Port()), {}, clock);
  const std::vector<Reply> replies =
      Send(client, {{"SET", "h", "x"}, {"HGETALL", "h"}, {"NOSUCHCOMMAND"}, {"GET", "h"}});
  ASSERT_EQ(replies.size(), 4u);
  EXPECT_EQ(replies[1].type, Reply::Type::kError);
  EXPECT_THAT(replies[1].text, HasSubstr("WRONGTYPE"));
  EXPECT_EQ(replies[2].type, Reply::Type::kError);
  EXPECT_EQ(replies[3].text, "x");
  EXPECT_TRUE(client.connected());
}

TEST(CommandClientTest, AuthenticatesWithRequirepassAndHidesAWrongPassword) {
  RedisServer redis({"--requirepass", "right-horse-battery"});
  SystemClock clock;
  PollTarget target = Tcp(redis.Port());
  target.password = Secret("right-horse-battery");
  CommandClient client(target, {}, clock);
  EXPECT_EQ(Send(client, {{"PING"}}).at(0).text, "PONG");

  // Without a password the commands themselves are refused: values.
  CommandClient anonymous(Tcp(redis.Port()), {}, clock);
  const std::vector<Reply> refused = Send(anonymous, {{"SCAN", "0"}});
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].type, Reply::Type::kError);
  EXPECT_THAT(refused[0].text, HasSubstr("NOAUTH"));

  target.password = Secret("wrong-staple-secret");
  CommandClient wrong(target, {}, clock);
  auto failed = wrong.Pipeline({{"PING"}}, In(seconds(5)));
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(), HasSubstr("AUTH rejected by 127.0.0.1:"));
  EXPECT_THAT(failed.status().message(), Not(HasSubstr("wrong-staple-secret")));
  EXPECT_FALSE(wrong.connected());

  // An ACL user and its password.
  redis.Cli({"ACL", "SETUSER", "sampler", "on", ">sampler-pass", "~*", "+@read", "+ping"});
  target.username = "sampler";
  target.password = Secret("sampler-pass");
  CommandClient user(target, {}, clock);
  const std::vector<Reply> replies = Send(user, {{"PING"}, {"SET", "k", "v"}});
  ASSERT_EQ(replies.size(), 2u);
  EXPECT_EQ(replies[0].text, "PONG");
  EXPECT_EQ(replies[1].type, Reply::Type::kError);  // NOPERM: no +@write
}

TEST(CommandClientTest, AListenerThatNeverAnswersTimesOutWithinTheDeadline) {
  int port = 0;
  const int listener = ListenOnLoopback("silent listener", &port);  // never accepts
  SystemClock clock;
  CommandClient client(Tcp(port), {}, clock);
  const auto started = std::chrono::steady_clock::now();
  auto replies = client.Pipeline({{"PING"}}, started + milliseconds(300));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  close(listener);
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("timed out"));
  EXPECT_THAT(replies.status().message(), HasSubstr("127.0.0.1:" + std::to_string(port)));
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_LT(elapsed, milliseconds(1300));
  EXPECT_FALSE(client.connected());
}

TEST(CommandClientTest, AServerKilledMidPipelineIsAnErrorThenAReconnectWorks) {
  RedisServer redis({"--enable-debug-command", "local"});
  const int port = redis.Port();
  SystemClock clock;
  CommandClient client(Tcp(port), {}, clock);
  auto pipeline = std::async(std::launch::async, [&] {
    return client.Pipeline({{"SET", "a", "1"}, {"DEBUG", "SLEEP", "5"}, {"GET", "a"}},
                           In(seconds(20)));
  });
  // The server is inside DEBUG SLEEP once it stops answering PING.
  CommandClient probe(Tcp(port), {}, clock);
  ASSERT_TRUE(WaitFor([&] { return !probe.Pipeline({{"PING"}}, In(milliseconds(100))).ok(); }));
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(redis.Pid(), SIGKILL), 0);
  auto replies = pipeline.get();
  EXPECT_LT(std::chrono::steady_clock::now() - killed, seconds(3));
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("closed the connection"));
  EXPECT_THAT(replies.status().message(), HasSubstr("of 3 replies received"));
  EXPECT_FALSE(client.connected());
  redis.Stop();

  RedisServer again({}, port);
  EXPECT_EQ(Send(client, {{"PING"}}).at(0).text, "PONG");
}

TEST(CommandClientTest, AnIdleConnectionTheServerClosedIsReplacedOnce) {
  RedisServer redis;
  SystemClock clock;
  CommandClient client(Tcp(redis.Port()), {}, clock);
  EXPECT_EQ(Send(client, {{"PING"}}).at(0).text, "PONG");
  EXPECT_EQ(redis.Cli({"CLIENT", "KILL", "TYPE", "normal"}), "1");
  EXPECT_EQ(Send(client, {{"PING"}}).at(0).text, "PONG");
}

TEST(CommandClientTest, RepliesOverTheLimitsFailAndTheNextCallReconnects) {
  RedisServer redis;
  SystemClock clock;
  CommandClientOptions options;
  options.max_reply_bytes = 4096;
  options.arrays.max_elements = 50;
  CommandClient client(Tcp(redis.Port()), options, clock);
  Commands sets;
  for (int i = 0; i < 100; ++i) sets.push_back({"SET", "k" + std::to_string(i), "v"});
  sets.push_back({"SET", "big", std::string(10000, 'x')});
  Send(client, sets);

  auto big = client.Pipeline({{"PING"}, {"GET", "big"}}, In(seconds(5)));
  ASSERT_FALSE(big.ok());
  EXPECT_THAT(big.status().message(), HasSubstr("exceeds the limit of 4096 bytes"));
  EXPECT_THAT(big.status().message(), HasSubstr("(1 of 2 replies received)"));
  EXPECT_FALSE(client.connected());

  auto many = client.Pipeline({{"KEYS", "k*"}}, In(seconds(5)));
  ASSERT_FALSE(many.ok());
  EXPECT_THAT(many.status().message(), HasSubstr("limit of 50 array elements"));

  EXPECT_EQ(Send(client, {{"GET", "k7"}}).at(0).text, "v");
}

TEST(CommandClientTest, SpeaksOverAUnixSocket) {
  RedisServer redis;
  SystemClock clock;
  PollTarget target;
  target.endpoint.kind = Endpoint::Kind::kUnix;
  target.endpoint.path = redis.UnixSocket();
  CommandClient client(target, {}, clock);
  EXPECT_EQ(Send(client, {{"PING"}}).at(0).text, "PONG");
  EXPECT_EQ(client.address(), "unix:" + redis.UnixSocket());
}

TEST(CommandClientTest, ARefusedPortIsAnErrorNamingIt) {
  SystemClock clock;
  const int port = FreeLoopbackPort();
  CommandClient client(Tcp(port), {}, clock);
  auto replies = client.Pipeline({{"PING"}}, In(seconds(5)));
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(),
              HasSubstr("connect to 127.0.0.1:" + std::to_string(port)));
}

TEST(CommandClientTest, OneRoundTripOverTls) {
  auto redis = RedisServer::Tls({.cert_dir = TestCertificates()});
  SystemClock clock;
  PollTarget target = Tcp(redis->Port());
  target.tls = TlsSettings{TestCertificates() + "/ca.crt", "", "", "", false};
  CommandClient client(target, {}, clock);
  const std::vector<Reply> replies =
      Send(client, {{"SET", "k", "v"}, {"SCAN", "0", "COUNT", "100"}, {"GET", "k"}});
  ASSERT_EQ(replies.size(), 3u);
  EXPECT_EQ(replies[0].text, "OK");
  ASSERT_EQ(replies[1].elements.size(), 2u);
  ASSERT_EQ(replies[1].elements[1].elements.size(), 1u);
  EXPECT_EQ(replies[1].elements[1].elements[0].text, "k");
  EXPECT_EQ(replies[2].text, "v");
  EXPECT_TRUE(client.tls_not_after().has_value());

  // A plain client on the TLS port gets an error value, not a hang.
  CommandClient plain(Tcp(redis->Port()), {}, clock);
  EXPECT_FALSE(plain.Pipeline({{"PING"}}, In(seconds(2))).ok());
}

TEST(CommandClientTest, APipelineLargerThanTheSocketBuffersIsWrittenWhileRepliesAreRead) {
  // ~10 MB of requests: the socket takes them in pieces (EAGAIN, POLLOUT)
  // while the replies of the first ones come back.
  RedisServer redis;
  SystemClock clock;
  CommandClient client(Tcp(redis.Port()), {}, clock);
  Commands commands;
  for (int i = 0; i < 320; ++i) {
    const std::string key = "big:" + std::to_string(i);
    commands.push_back({"SET", key, std::string(32 * 1024, static_cast<char>('a' + i % 26))});
    commands.push_back({"STRLEN", key});
  }
  const std::vector<Reply> replies = Send(client, commands, seconds(30));
  ASSERT_EQ(replies.size(), commands.size());
  for (size_t i = 0; i < replies.size(); i += 2) {
    EXPECT_EQ(replies[i].text, "OK") << i;
    EXPECT_EQ(replies[i + 1].integer, 32 * 1024) << i;
  }
}

TEST(CommandClientTest, HostilePeersGiveErrorValues) {
  SystemClock clock;
  FakeRespServer garbage(FakeRespServer::Behaviour::kGarbage);
  CommandClient a(Tcp(garbage.Port()), {}, clock);
  auto replies = a.Pipeline({{"PING"}}, In(seconds(5)));
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("protocol error from 127.0.0.1:"));

  FakeRespServer cut(FakeRespServer::Behaviour::kCloseMidReply);
  CommandClient b(Tcp(cut.Port()), {}, clock);
  replies = b.Pipeline({{"PING"}, {"PING"}}, In(seconds(5)));
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("closed the connection"));

  FakeRespServer huge(FakeRespServer::Behaviour::kHugeBulk);
  CommandClient c(Tcp(huge.Port()), {}, clock);
  replies = c.Pipeline({{"PING"}}, In(seconds(5)));
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("exceeds the limit of"));
  EXPECT_LT(huge.HugeBytesSent(), size_t{20} * 1024 * 1024);
}

TEST(CommandClientTest, APasswordEchoedByTheServerIsRedacted) {
  // A proxy that quotes the AUTH it refused.
  FakeRespServer echo(FakeRespServer::Behaviour::kRespond,
                      [](const std::vector<std::string>& argv) {
                        std::string quoted;
                        for (const std::string& arg : argv) quoted += arg + " ";
                        return FakeRespServer::Error("ERR refused " + quoted);
                      });
  SystemClock clock;
  PollTarget target = Tcp(echo.Port());
  target.password = Secret("echoed-secret-77");
  CommandClient client(target, {}, clock);
  auto replies = client.Pipeline({{"PING"}}, In(seconds(5)));
  ASSERT_FALSE(replies.ok());
  EXPECT_THAT(replies.status().message(), HasSubstr("AUTH rejected by"));
  EXPECT_THAT(replies.status().message(), HasSubstr("<redacted>"));
  EXPECT_THAT(replies.status().message(), Not(HasSubstr("echoed-secret-77")));
}

}  // namespace command_client_test
}  // namespace memwatch::testing
