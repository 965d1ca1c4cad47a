// TlsSession against an in-memory OpenSSL server: the two sides exchange
// their memory BIOs' bytes directly, so every verification outcome and its
// message is checked without a socket. The certificates are made by
// tests/tls/make_certs.sh, once per test binary.
#include "poller/tls_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "tls_test_certs.h"

namespace memwatch::poller {
namespace tls_session_test {

using ::testing::HasSubstr;
using ::testing::Not;

using tls_test::File;

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

// An OpenSSL server on memory BIOs: a Redis with --tls-port, minus Redis.
class Server {
 public:
  struct Options {
    std::string cert = "server.crt";
    std::string key = "server.key";
    bool require_client_cert = false;
    int max_version = 0;  // 0: the highest
  };

  explicit Server(const Options& o) : ctx_(SSL_CTX_new(TLS_server_method())) {
    EXPECT_EQ(SSL_CTX_use_certificate_file(ctx_.get(), File(o.cert).c_str(), SSL_FILETYPE_PEM), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey_file(ctx_.get(), File(o.key).c_str(), SSL_FILETYPE_PEM), 1);
    if (o.max_version != 0) SSL_CTX_set_max_proto_version(ctx_.get(), o.max_version);
    if (o.require_client_cert) {
      EXPECT_EQ(SSL_CTX_load_verify_locations(ctx_.get(), File("ca.crt").c_str(), nullptr), 1);
      SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    ssl_.reset(SSL_new(ctx_.get()));
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_.get(), in_, out_);
    SSL_set_accept_state(ssl_.get());
  }

  void Feed(const std::string& bytes) {
    if (!bytes.empty()) BIO_write(in_, bytes.data(), static_cast<int>(bytes.size()));
    (void)SSL_do_handshake(ssl_.get());
  }
  std::string TakeOutput() {
    char* data = nullptr;
    const long n = BIO_get_mem_data(out_, &data);  // NOLINT(google-runtime-int)
    std::string s(data, static_cast<size_t>(n));
    (void)BIO_reset(out_);
    return s;
  }
  std::string Read() {
    std::string text;
    char buf[4096];
    int n = 0;
    while ((n = SSL_read(ssl_.get(), buf, sizeof(buf))) > 0) text.append(buf, n);
    ERR_clear_error();
    return text;
  }
  void Write(const std::string& text) {
    ASSERT_GT(SSL_write(ssl_.get(), text.data(), static_cast<int>(text.size())), 0);
  }

 private:
  std::unique_ptr<SSL_CTX, CtxFree> ctx_;
  std::unique_ptr<SSL, SslFree> ssl_;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
};

std::unique_ptr<TlsSession> Client(const TlsSettings& s, const std::string& host) {
  Result<std::unique_ptr<TlsSession>> r = TlsSession::Create(s, host);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : nullptr;
}

// Runs the handshake to its end: what the client's Handshake() returned last.
TlsSession::Step Handshake(TlsSession& client, Server& server) {
  TlsSession::Step step = TlsSession::Step::kWantRead;
  for (int round = 0; round < 10; ++round) {
    step = client.Handshake();
    std::string bytes;
    client.TakeOutput(&bytes);
    server.Feed(bytes);
    if (step != TlsSession::Step::kWantRead) return step;
    client.Feed(server.TakeOutput());
  }
  return step;
}

TlsSettings WithCa() {
  TlsSettings s;
  s.ca_file = File("ca.crt");
  return s;
}

TEST(TlsSessionTest, VerifiedHandshakeThenRequestAndReply) {
  for (const char* host : {"redis.test", "127.0.0.1"}) {
    Server server({});
    auto client = Client(WithCa(), host);
    ASSERT_EQ(Handshake(*client, server), TlsSession::Step::kDone) << host << client->error();
    ASSERT_TRUE(client->Write("*1\r\n$4\r\nINFO\r\n"));
    std::string bytes;
    client->TakeOutput(&bytes);
    server.Feed(bytes);
    EXPECT_EQ(server.Read(), "*1\r\n$4\r\nINFO\r\n");
    server.Write("+OK\r\n");
    client->Feed(server.TakeOutput());
    std::string plain;
    EXPECT_EQ(client->Read(&plain), TlsSession::Step::kWantRead);
    EXPECT_EQ(plain, "+OK\r\n");
    // make_certs.sh signs for 3650 days.
    ASSERT_TRUE(client->PeerNotAfter().has_value());
    EXPECT_GT(*client->PeerNotAfter(), time(nullptr) + 3000LL * 86400);
  }
}

TEST(TlsSessionTest, AnUntrustedCertificateNamesTheCaUsed) {
  TlsSettings other;
  other.ca_file = File("other-ca.crt");
  Server server({});
  auto client = Client(other, "redis.test");
  ASSERT_EQ(Handshake(*client, server), TlsSession::Step::kError);
  EXPECT_THAT(client->error(), HasSubstr("not trusted by tls.ca_file " + File("other-ca.crt")));
  EXPECT_THAT(client->error(), HasSubstr("set tls.ca_file"));

  Server server2({});
  auto system_store = Client(TlsSettings{}, "redis.test");
  ASSERT_EQ(Handshake(*system_store, server2), TlsSession::Step::kError);
  EXPECT_THAT(system_store->error(), HasSubstr("not trusted by the system's CA store"));
}

TEST(TlsSessionTest, ANameMismatchListsTheCertificatesNamesAndServerNameFixesIt) {
  Server server({});
  auto client = Client(WithCa(), "cache.internal");
  ASSERT_EQ(Handshake(*client, server), TlsSession::Step::kError);
  EXPECT_THAT(client->error(),
              HasSubstr("not for cache.internal (it names DNS:redis.test, IP:127.0.0.1): set "
                        "tls.server_name"));
  TlsSettings named = WithCa();
  named.server_name = "redis.test";
  Server server2({});
  auto fixed = Client(named, "cache.internal");
  EXPECT_EQ(Handshake(*fixed, server2), TlsSession::Step::kDone) << fixed->error();
}

// An IP written only in the subject's CN is not a name the certificate
// holds for TLS: verification never falls back to the CN.
TEST(TlsSessionTest, AnIpOnlyInTheCommonNameIsNotAccepted) {
  Server server({.cert = "cn-only.crt", .key = "cn-only.key"});
  auto client = Client(WithCa(), "127.0.0.1");
  ASSERT_EQ(Handshake(*client, server), TlsSession::Step::kError);
  EXPECT_THAT(client->error(), HasSubstr("no subject alternative names, CN=127.0.0.1"));
}

TEST(TlsSessionTest, AnExpiredCertificateSaysWhen) {
  Server server({.cert = "expired.crt", .key = "expired.key"});
  auto client = Client(WithCa(), "redis.test");
  ASSERT_EQ(Handshake(*client, server), TlsSession::Step::kError);
  EXPECT_THAT(client->error(), HasSubstr("expired on 2020-"));
}

TEST(TlsSessionTest, InsecureSkipVerifyEncryptsWithoutVerifying) {
  TlsSettings insecure;
  insecure.insecure_skip_verify = true;
  Server server({.cert = "other.crt", .key = "other.key"});
  auto client = Client(insecure, "127.0.0.1");
  EXPECT_EQ(Handshake(*client, server), TlsSession::Step::kDone) << client->error();
}

TEST(TlsSessionTest, APlainTextServerIsNamedAsSuch) {
  auto client = Client(WithCa(), "redis.test");
  ASSERT_EQ(client->Handshake(), TlsSession::Step::kWantRead);
  client->Feed("-ERR unknown command '\\x16\\x03\\x01', with args beginning with:\r\n");
  ASSERT_EQ(client->Handshake(), TlsSession::Step::kError);
  EXPECT_THAT(client->error(), HasSubstr("answered in plain text"));
}

// TLS 1.3 finishes the client's handshake before the server checks for a
// client certificate: the refusal comes at the first read.
TEST(TlsSessionTest, AMissingClientCertificateIsReportedAtTheFirstRead) {
  Server server({.require_client_cert = true});
  auto client = Client(WithCa(), "redis.test");
  ASSERT_EQ(Handshake(*client, server), TlsSession::Step::kDone);
  ASSERT_TRUE(client->Write("*1\r\n$4\r\nPING\r\n"));
  std::string bytes;
  client->TakeOutput(&bytes);
  server.Feed(bytes);
  (void)server.Read();
  client->Feed(server.TakeOutput());
  std::string plain;
  ASSERT_EQ(client->Read(&plain), TlsSession::Step::kError);
  EXPECT_THAT(client->error(), HasSubstr("requires a client certificate: set tls.cert_file"));

  TlsSettings mutual = WithCa();
  mutual.cert_file = File("client.crt");
  mutual.key_file = File("client.key");
  Server server2({.require_client_cert = true});
  auto with_cert = Client(mutual, "redis.test");
  ASSERT_EQ(Handshake(*with_cert, server2), TlsSession::Step::kDone);
  ASSERT_TRUE(with_cert->Write("*1\r\n$4\r\nPING\r\n"));
  bytes.clear();
  with_cert->TakeOutput(&bytes);
  server2.Feed(bytes);
  EXPECT_EQ(server2.Read(), "*1\r\n$4\r\nPING\r\n");
}

TEST(TlsSessionTest, FilesThatCannotBeUsedAreNamed) {
  TlsSettings missing;
  missing.ca_file = File("nope.crt");
  Result<std::unique_ptr<TlsSession>> r = TlsSession::Create(missing, "redis.test");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("tls.ca_file " + File("nope.crt")));

  TlsSettings mismatch = WithCa();
  mismatch.cert_file = File("client.crt");
  mismatch.key_file = File("mismatch.key");
  r = TlsSession::Create(mismatch, "redis.test");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("tls.key_file " + File("mismatch.key")));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("BEGIN")));
}

}  // namespace tls_session_test
}  // namespace memwatch::poller
