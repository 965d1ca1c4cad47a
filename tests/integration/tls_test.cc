// TLS end to end: real redis-servers with --tls-port, certificates from
// tests/tls/make_certs.sh, the daemon and doctor as users run them, and
// hostile peers that take part in no handshake.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/daemon_process.h"
#include "harness/fake_resp_server.h"
#include "harness/redis_server.h"
#include "harness/temp_dir.h"
#include "harness/test_certificates.h"
#include "harness/wait_for.h"
#include "poller/poller.h"

namespace memwatch::testing {
namespace tls_test {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Cert(const std::string& name) { return TestCertificates() + "/" + name; }

std::unique_ptr<RedisServer> TlsRedis(bool auth_clients = false,
                                      const std::string& server_cert = "server",
                                      std::vector<std::string> extra = {}) {
  return RedisServer::Tls(
      {.cert_dir = TestCertificates(), .auth_clients = auth_clients, .server_cert = server_cert},
      std::move(extra));
}

int64_t InfoField(const RedisServer& redis, const std::string& field) {
  const std::string info = redis.Cli({"INFO", "stats"});
  const size_t at = info.find(field + ":");
  if (at == std::string::npos) return -1;
  return std::stoll(info.substr(at + field.size() + 1));
}

CommandResult Doctor(const std::string& address, std::vector<std::string> flags) {
  std::vector<std::string> args = {MEMWATCH_BINARY, "doctor", address, "--timeout", "1s"};
  args.insert(args.end(), flags.begin(), flags.end());
  return RunCommand(args);
}

std::string Address(const RedisServer& redis) {
  return "127.0.0.1:" + std::to_string(redis.Port());
}

// ---- The daemon over TLS ------------------------------------------------------

// rediss:// with a client certificate (the server requires one): the
// target is up, its findings are those of plain TCP, and every poll uses
// the one connection (total_connections_received). Keyspace sampling, which
// has a connection of its own, is off here.
TEST(TlsE2eTest, MutualTlsPollsOnOneConnection) {
  auto redis = TlsRedis(/*auth_clients=*/true);
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 100ms\nkeyspace:\n  enabled: false\ntargets:\n"
      "  - name: t\n"
      "    address: rediss://127.0.0.1:" +
      std::to_string(redis->Port()) + "\n    tls:\n      ca_file: " + Cert("ca.crt") +
      "\n      cert_file: " + Cert("client.crt") + "\n      key_file: " + Cert("client.key") +
      "\n");
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"t\"}") == 1.0; })) << d.Log();
  const int64_t before = InfoField(*redis, "total_connections_received");
  const auto polls = [&] {
    return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"t\"}").value_or(0);
  };
  const double first = polls();
  ASSERT_TRUE(WaitFor([&] { return polls() >= first + 20; }, seconds(20))) << d.Log();
  // The Cli() calls are connections too: one after `before`.
  EXPECT_EQ(InfoField(*redis, "total_connections_received"), before + 1);
  EXPECT_EQ(d.Value("redis_memwatch_finding{target=\"t\",check=\"noeviction\",severity="
                    "\"warning\"}"),
            1.0);
  EXPECT_EQ(d.Value("redis_memwatch_poll_errors_total{target=\"t\",reason=\"tls\"}"), 0.0);
  EXPECT_GT(
      d.Value("redis_memwatch_tls_certificate_expiry_timestamp_seconds{target=\"t\"}").value_or(0),
      1.7e9);
  EXPECT_EQ(d.Value("redis_memwatch_tls_insecure_skip_verify{target=\"t\"}"), 0.0);
}

// Redis closing an idle TLS connection (its `timeout`) costs no failed poll:
// the poll that finds it closed reconnects at once.
TEST(TlsE2eTest, AnIdleConnectionClosedByRedisIsReconnectedWithoutAFailedPoll) {
  auto redis = TlsRedis(false, "server", {"--timeout", "1"});
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 1500ms\ntargets:\n  - name: t\n"
      "    address: 127.0.0.1:" +
      std::to_string(redis->Port()) + "\n    tls:\n      ca_file: " + Cert("ca.crt") + "\n");
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"t\"}") == 1.0; })) << d.Log();
  const int64_t before = InfoField(*redis, "total_connections_received");
  // Four more polls, each after Redis closed the idle connection.
  ASSERT_TRUE(WaitFor([&] { return InfoField(*redis, "total_connections_received") >= before + 8; },
                      seconds(20)));
  const std::string metrics = d.Metrics();
  for (const char* reason : {"closed", "tls", "timeout"}) {
    EXPECT_EQ(SeriesValue(metrics, std::string("redis_memwatch_poll_errors_total{target=\"t\","
                                               "reason=\"") +
                                       reason + "\"}"),
              0.0)
        << reason << "\n"
        << d.Log();
  }
  EXPECT_EQ(SeriesValue(metrics, "redis_up{target=\"t\"}"), 1.0);
}

// SIGSTOP while the daemon waits for a TLS reply: a timeout, as on plain
// TCP, and up again after SIGCONT.
TEST(TlsE2eTest, APausedServerTimesOutAndRecovers) {
  auto redis = TlsRedis();
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 100ms\ntimeout: 300ms\ntargets:\n"
      "  - name: t\n    address: 127.0.0.1:" +
      std::to_string(redis->Port()) + "\n    tls:\n      ca_file: " + Cert("ca.crt") + "\n");
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"t\"}") == 1.0; })) << d.Log();
  redis->Pause();
  const bool timed_out = WaitFor(
      [&] {
        return d.Value("redis_memwatch_poll_errors_total{target=\"t\",reason=\"timeout\"}")
                   .value_or(0) >= 1;
      },
      seconds(10));
  redis->Resume();
  ASSERT_TRUE(timed_out) << d.Log();
  EXPECT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"t\"}") == 1.0; }, seconds(40)))
      << d.Log();
  EXPECT_EQ(d.Value("redis_memwatch_poll_errors_total{target=\"t\",reason=\"tls\"}"), 0.0);
}

// The client certificate is read for each new connection: files replaced
// on disk are used by the next one. Here the first files are refused by
// the server (an expired certificate), the replacement is accepted.
TEST(TlsE2eTest, ARotatedClientCertificateIsUsedByTheNextConnection) {
  auto redis = TlsRedis(/*auth_clients=*/true);
  TempDir dir("memwatch-rotate");
  namespace fs = std::filesystem;
  fs::copy_file(Cert("expired.crt"), dir.File("client.crt"));
  fs::copy_file(Cert("expired.key"), dir.File("client.key"));
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 100ms\ntargets:\n  - name: t\n"
      "    address: rediss://127.0.0.1:" +
      std::to_string(redis->Port()) + "\n    tls:\n      ca_file: " + Cert("ca.crt") +
      "\n      cert_file: " + dir.File("client.crt") +
      "\n      key_file: " + dir.File("client.key") + "\n");
  ASSERT_TRUE(WaitFor([&] {
    return d.Value("redis_memwatch_poll_errors_total{target=\"t\",reason=\"tls\"}").value_or(0) >=
           1;
  })) << d.Log();
  EXPECT_NE(d.Value("redis_up{target=\"t\"}"), 1.0);
  fs::copy_file(Cert("client.crt"), dir.File("client.crt"), fs::copy_options::overwrite_existing);
  fs::copy_file(Cert("client.key"), dir.File("client.key"), fs::copy_options::overwrite_existing);
  EXPECT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"t\"}") == 1.0; }, seconds(40)))
      << d.Log();
}

// ---- Errors a person can act on, in doctor ------------------------------------

TEST(TlsDoctorTest, EachFailureSaysWhatToChange) {
  auto redis = TlsRedis();
  const std::string address = Address(*redis);
  const std::string ca = Cert("ca.crt");

  CommandResult ok = Doctor("rediss://" + address, {"--tls-ca-file", ca});
  EXPECT_EQ(ok.exit_code, 1) << ok.output << ok.error;  // stock Redis: warnings
  EXPECT_THAT(ok.output, HasSubstr("Redis 7"));

  CommandResult untrusted = Doctor("rediss://" + address, {});
  EXPECT_EQ(untrusted.exit_code, 3);
  EXPECT_THAT(untrusted.output, HasSubstr("not trusted by the system's CA store"));
  EXPECT_THAT(untrusted.output, HasSubstr("set tls.ca_file"));

  CommandResult by_name =
      Doctor("rediss://localhost:" + std::to_string(redis->Port()), {"--tls-ca-file", ca});
  EXPECT_THAT(by_name.output,
              HasSubstr("not for localhost (it names DNS:redis.test, IP:127.0.0.1): set "
                        "tls.server_name"));
  CommandResult named = Doctor("rediss://localhost:" + std::to_string(redis->Port()),
                               {"--tls-ca-file", ca, "--tls-server-name", "redis.test"});
  EXPECT_EQ(named.exit_code, 1) << named.output;

  CommandResult plain = Doctor(address, {});
  EXPECT_EQ(plain.exit_code, 3);
  EXPECT_THAT(plain.output, HasSubstr("is this a TLS port? use rediss://"));

  RedisServer plain_redis;
  CommandResult tls_to_plain = Doctor("rediss://" + Address(plain_redis), {"--tls-ca-file", ca});
  EXPECT_EQ(tls_to_plain.exit_code, 3);
  EXPECT_THAT(tls_to_plain.output, HasSubstr("TLS"));
}

TEST(TlsDoctorTest, CertificateProblemsOfTheServerAndTheClient) {
  const std::string ca = Cert("ca.crt");
  auto expired = TlsRedis(false, "expired");
  CommandResult r = Doctor("rediss://" + Address(*expired), {"--tls-ca-file", ca});
  EXPECT_THAT(r.output, HasSubstr("expired on 2020-"));

  auto cn_only = TlsRedis(false, "cn-only");
  r = Doctor("rediss://" + Address(*cn_only), {"--tls-ca-file", ca});
  EXPECT_THAT(r.output, HasSubstr("no subject alternative names, CN=127.0.0.1"));

  auto mutual = TlsRedis(/*auth_clients=*/true);
  r = Doctor("rediss://" + Address(*mutual), {"--tls-ca-file", ca});
  EXPECT_THAT(r.output, HasSubstr("requires a client certificate: set tls.cert_file"));
  r = Doctor("rediss://" + Address(*mutual),
             {"--tls-ca-file", ca, "--tls-cert-file", Cert("client.crt"), "--tls-key-file",
              Cert("client.key")});
  EXPECT_EQ(r.exit_code, 1) << r.output;

  r = Doctor("rediss://" + Address(*mutual),
             {"--tls-insecure-skip-verify", "--tls-cert-file", Cert("client.crt"), "--tls-key-file",
              Cert("client.key")});
  EXPECT_THAT(r.output, HasSubstr("WARNING: TLS without verifying the server"));
}

// ---- Hostile peers --------------------------------------------------------------

// A Poller on its own thread, counting results per target.
class Counting {
 public:
  Counting(poller::PollerOptions options, std::vector<poller::PollTarget> targets)
      : poller_(options, std::move(targets), [this](const poller::PollResult& r) {
          std::lock_guard<std::mutex> lock(mu_);
          auto& c = counts_[r.target_name];
          ++c.total;
          if (r.failure == PollFailure::kNone) ++c.ok;
          last_[r.target_name] = r;
        }) {
    thread_ = std::thread([this] { poller_.Run(); });
  }
  ~Counting() {
    poller_.Stop();
    thread_.join();
  }
  struct Count {
    int total = 0;
    int ok = 0;
  };
  Count Of(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_[name];
  }
  poller::PollResult Last(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    return last_[name];
  }

 private:
  poller::Poller poller_;
  std::mutex mu_;
  std::map<std::string, Count> counts_;
  std::map<std::string, poller::PollResult> last_;
  std::thread thread_;
};

poller::PollTarget TlsTarget(const std::string& name, int port) {
  poller::PollTarget t;
  t.name = name;
  t.endpoint.host = "127.0.0.1";
  t.endpoint.port = port;
  t.tls = TlsSettings{Cert("ca.crt"), "", "", "", false};
  return t;
}

// Peers that accept and then never answer the handshake, answer it with
// garbage, or close in the middle of it: each failure is bounded by the
// timeout, a real TLS Redis beside them is polled as usual, and a thousand
// reconnects leave no descriptor behind.
TEST(TlsHostileTest, BrokenHandshakesAreBoundedAndLeakNothing) {
  FakeRespServer silent(FakeRespServer::Behaviour::kNeverAnswer);
  FakeRespServer garbage(FakeRespServer::Behaviour::kGarbage);
  FakeRespServer closing(FakeRespServer::Behaviour::kCloseOnAccept);
  auto redis = TlsRedis();
  poller::PollerOptions options;
  options.interval = milliseconds(1);
  options.timeout = milliseconds(100);
  options.backoff_max = milliseconds(1);
  const int fds_before = OpenFdCount();
  {
    Counting p(options, {TlsTarget("silent", silent.Port()), TlsTarget("garbage", garbage.Port()),
                         TlsTarget("closing", closing.Port()), TlsTarget("redis", redis->Port())});
    ASSERT_TRUE(WaitFor([&] { return p.Of("closing").total >= 1000; }, seconds(60)));
    ASSERT_TRUE(WaitFor([&] { return p.Of("silent").total >= 5 && p.Of("garbage").total >= 5; },
                        seconds(10)));
    // The loop's epoll and eventfd, a socket per target, and the fake
    // servers' listeners' accepted ends, which live in this process too.
    EXPECT_LE(OpenFdCount(), fds_before + 12);
    EXPECT_EQ(p.Of("closing").ok, 0);
    EXPECT_EQ(p.Of("silent").ok, 0);
    EXPECT_EQ(p.Of("garbage").ok, 0);
    EXPECT_EQ(p.Last("silent").failure, PollFailure::kTimeout);
    EXPECT_THAT(p.Last("silent").message, HasSubstr("no TLS handshake"));
    EXPECT_EQ(p.Last("closing").failure, PollFailure::kTls);
    EXPECT_THAT(p.Last("closing").message, HasSubstr("during the TLS handshake"));
    const Counting::Count good = p.Of("redis");
    EXPECT_GT(good.ok, 20);
    EXPECT_EQ(good.ok, good.total) << p.Last("redis").message;
  }
  // The fake servers close their ends once they see ours closed.
  EXPECT_TRUE(WaitFor([&] { return OpenFdCount() == fds_before; }, seconds(5)))
      << OpenFdCount() << " open, " << fds_before << " before";
}

}  // namespace tls_test
}  // namespace memwatch::testing
