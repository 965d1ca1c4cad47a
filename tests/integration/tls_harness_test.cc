// The harness's TLS pieces, which the TLS transport's tests lean on: the
// certificates of tests/tls/make_certs.sh, a redis-server that speaks only
// TLS on its port, and Cli() over TLS.
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "harness/redis_server.h"
#include "harness/test_certificates.h"

namespace memwatch::testing {
namespace tls_harness_test {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Sends `request` over plain TCP to 127.0.0.1:`port` and returns every
// byte that comes back until the server closes the connection or 2 s
// pass.
std::string PlainExchange(int port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  EXPECT_GE(fd, 0);
  timeval timeout = {2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  std::string received;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buffer[512];
    for (ssize_t n; (n = recv(fd, buffer, sizeof(buffer), 0)) > 0;) {
      received.append(buffer, static_cast<size_t>(n));
    }
  } else {
    ADD_FAILURE() << "cannot connect to or send to 127.0.0.1:" << port;
  }
  close(fd);
  return received;
}

TEST(TlsHarnessTest, CertificatesAreMadeOnceWithEveryFile) {
  const std::string& dir = TestCertificates();
  EXPECT_EQ(&TestCertificates(), &dir);
  for (const char* name : {"ca.crt", "ca.key", "server.crt", "server.key", "client.crt",
                           "client.key", "expired.crt", "expired.key", "other.crt", "other.key",
                           "cn-only.crt", "cn-only.key", "other-ca.crt", "mismatch.key"}) {
    EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/" + name)) << name;
  }
}

TEST(TlsHarnessTest, TlsRedisAnswersOverTls) {
  const auto redis = RedisServer::Tls({.cert_dir = TestCertificates()});
  EXPECT_GT(redis->Port(), 0);
  EXPECT_EQ(redis->Cli({"PING"}), "PONG");
  EXPECT_EQ(redis->Cli({"SET", "k", "v"}), "OK");
  EXPECT_EQ(redis->Cli({"GET", "k"}), "v");
  EXPECT_EQ(redis->Cli({"CONFIG", "GET", "tls-port"}),
            "tls-port\n" + std::to_string(redis->Port()));
  EXPECT_EQ(redis->Cli({"CONFIG", "GET", "port"}), "port\n0");
  EXPECT_THAT(redis->Cli({"NOSUCHCOMMAND"}), StartsWith("(error) ERR unknown command"));
}

TEST(TlsHarnessTest, PlainTcpToTheTlsPortGetsNoRespAnswer) {
  const auto redis = RedisServer::Tls({.cert_dir = TestCertificates()});
  const std::string reply = PlainExchange(redis->Port(), "PING\r\n");
  // Nothing, or a TLS alert record (content type 21): never a RESP reply.
  if (!reply.empty()) {
    EXPECT_EQ(reply[0], '\x15') << reply;
  }
  EXPECT_THAT(reply, ::testing::Not(HasSubstr("PONG")));
}

TEST(TlsHarnessTest, MutualTlsWithAPassword) {
  const auto redis = RedisServer::Tls({.cert_dir = TestCertificates(), .auth_clients = true},
                                      {"--requirepass", "s3cret"});
  EXPECT_EQ(redis->Cli({"PING"}), "PONG");  // AUTH first, with the client certificate
  EXPECT_EQ(redis->Cli({"CONFIG", "GET", "tls-auth-clients"}), "tls-auth-clients\nyes");
}

TEST(TlsHarnessTest, AStoppedServerIsAConnectError) {
  const auto redis = RedisServer::Tls({.cert_dir = TestCertificates()});
  redis->Stop();
  EXPECT_THAT(redis->Cli({"PING"}), StartsWith("(connect error) Could not connect"));
}

}  // namespace tls_harness_test
}  // namespace memwatch::testing
