// TLS in the config: rediss://, a target's `tls:` block and the one in
// target_defaults, and the checks of its certificate and key files, against
// real PEM files made by tests/tls/make_certs.sh.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "config/config_loader.h"
#include "config/tls_files.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace tls_config_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::AllErrors;
using testutil::Load;
using testutil::OnlyError;
using testutil::TempDir;

// The certificates of tests/tls/make_certs.sh, made once per process (the
// script takes about half a second of CPU) and removed at exit.
const std::string& CertDir() {
  static const TempDir dir;
  static const bool made = [] {
    const std::string command = std::string(MEMWATCH_SOURCE_DIR) + "/tests/tls/make_certs.sh '" +
                                dir.path() + "' >/dev/null";
    return std::system(command.c_str()) == 0;  // NOLINT(concurrency-mt-unsafe): one thread
  }();
  EXPECT_TRUE(made) << "tests/tls/make_certs.sh failed";
  return dir.path();
}

std::string Pem(std::string_view name) { return CertDir() + "/" + std::string(name); }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Strings(const LoadResult& r) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors) out.push_back(e.ToString());
  return out;
}

// One target at h:6379 (lines 1-3) whose `tls:` block, on line 4, holds
// `block` (each of its lines indented by six spaces, starting on line 5).
LoadResult LoadWithTls(std::string_view block) {
  return Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:6379\n"
      "    tls:\n" +
      std::string(block));
}

// ---- Turning TLS on -----------------------------------------------------------

TEST(TlsConfigTest, RedissAddressTurnsTlsOnWithDefaults) {
  const LoadResult r =
      Load("targets:\n  - name: a\n    address: rediss://memwatch:pw@cache.example:6380\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const TargetConfig& t = r.config->targets[0];
  EXPECT_EQ(t.tls, TlsSettings{});
  EXPECT_EQ(t.endpoint.host, "cache.example");
  EXPECT_EQ(t.endpoint.port, 6380);
  EXPECT_EQ(t.username, "memwatch");
  EXPECT_EQ(t.display_address, "rediss://memwatch:***@cache.example:6380/0");
}

TEST(TlsConfigTest, PlainAddressesHaveNoTls) {
  const LoadResult r = Load(
      "targets:\n"
      "  - {name: a, address: 'h:6379'}\n"
      "  - {name: b, address: 'redis://h'}\n"
      "  - {name: c, address: 'unix:/run/redis.sock'}\n"
      "  - {name: d, address: 'h:6379', tls: false}\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  for (const TargetConfig& t : r.config->targets) EXPECT_EQ(t.tls, std::nullopt) << t.name;
}

TEST(TlsConfigTest, TrueOrAnEmptyBlockMeansTlsWithDefaults) {
  const LoadResult r = Load(
      "targets:\n"
      "  - {name: a, address: 'h:6379', tls: true}\n"
      "  - {name: b, address: 'h:6379', tls: {}}\n"
      "  - {name: c, address: 'rediss://h', tls: {}}\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  for (const TargetConfig& t : r.config->targets) EXPECT_EQ(t.tls, TlsSettings{}) << t.name;
}

TEST(TlsConfigTest, EveryKeyOfTheBlock) {
  const LoadResult r = LoadWithTls("      ca_file: " + Pem("ca.crt") +
                                   "\n"
                                   "      cert_file: " +
                                   Pem("client.crt") +
                                   "\n"
                                   "      key_file: " +
                                   Pem("client.key") +
                                   "\n"
                                   "      server_name: redis.test\n"
                                   "      insecure_skip_verify: false\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  TlsSettings want;
  want.ca_file = Pem("ca.crt");
  want.cert_file = Pem("client.crt");
  want.key_file = Pem("client.key");
  want.server_name = "redis.test";
  EXPECT_EQ(r.config->targets[0].tls, want);
  EXPECT_EQ(r.config->targets[0].display_address, "h:6379");
}

TEST(TlsConfigTest, InsecureSkipVerifyIsAccepted) {
  const LoadResult r = LoadWithTls("      insecure_skip_verify: true\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  ASSERT_TRUE(r.config->targets[0].tls);
  EXPECT_TRUE(r.config->targets[0].tls->insecure_skip_verify);
}

TEST(TlsConfigTest, RelativePathsAreFoundNextToTheConfigFile) {
  const LoadResult r = LoadConfigText(
      "targets:\n"
      "  - name: a\n"
      "    address: rediss://h\n"
      "    tls: {ca_file: ca.crt, cert_file: client.crt, key_file: client.key}\n",
      CertDir() + "/memwatch.yaml", testutil::FakeEnv());
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].tls->ca_file, Pem("ca.crt"));
  EXPECT_EQ(r.config->targets[0].tls->key_file, Pem("client.key"));
}

TEST(TlsConfigTest, AnExpiredCertificateStillLoads) {
  // A rotation may be pending; the handshake is where it is reported.
  const LoadResult r = LoadWithTls("      cert_file: " + Pem("expired.crt") +
                                   "\n"
                                   "      key_file: " +
                                   Pem("expired.key") + "\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].tls->cert_file, Pem("expired.crt"));
}

TEST(TlsConfigTest, ACaBundleWithSeveralCertificates) {
  TempDir dir;
  const std::string bundle =
      dir.Write("bundle.pem", ReadAll(Pem("other-ca.crt")) + ReadAll(Pem("ca.crt")));
  const LoadResult r = LoadWithTls("      ca_file: " + bundle + "\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
}

// ---- target_defaults ------------------------------------------------------------

TEST(TlsDefaultsTest, ADefaultBlockTurnsTlsOnForEveryTarget) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  tls:\n"
      "    ca_file: " +
      Pem("ca.crt") +
      "\n"
      "    server_name: redis.test\n"
      "targets:\n"
      "  - {name: a, address: 'h:1'}\n"
      "  - {name: b, address: 'rediss://h:2'}\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  TlsSettings want;
  want.ca_file = Pem("ca.crt");
  want.server_name = "redis.test";
  for (const TargetConfig& t : r.config->targets) EXPECT_EQ(t.tls, want) << t.name;
}

TEST(TlsDefaultsTest, ATargetsBlockReplacesTheDefaultsAsAWhole) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  tls: {ca_file: " +
      Pem("ca.crt") +
      ", server_name: redis.test}\n"
      "targets:\n"
      "  - {name: own, address: 'h:1', tls: {server_name: other.test}}\n"
      "  - {name: off, address: 'h:2', tls: false}\n"
      "  - {name: inherits, address: 'h:3'}\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  TlsSettings own;
  own.server_name = "other.test";  // and the system's CA store: no ca_file
  EXPECT_EQ(r.config->targets[0].tls, own);
  EXPECT_EQ(r.config->targets[1].tls, std::nullopt);
  EXPECT_EQ(r.config->targets[2].tls->ca_file, Pem("ca.crt"));
}

TEST(TlsDefaultsTest, AnInheritedFalseYieldsToRediss) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  tls: false\n"
      "targets:\n"
      "  - {name: a, address: 'rediss://h'}\n"
      "  - {name: b, address: 'h:1'}\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].tls, TlsSettings{});
  EXPECT_EQ(r.config->targets[1].tls, std::nullopt);
}

TEST(TlsDefaultsTest, AUnixTargetMustOptOutOfInheritedTls) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  tls: true\n"
      "targets:\n"
      "  - name: local\n"
      "    address: unix:/run/redis.sock\n"
      "  - name: local2\n"
      "    address: unix:/run/redis2.sock\n"
      "    tls: false\n");
  EXPECT_EQ(OnlyError(r),
            "memwatch.yaml:5:14: targets[0].address: a unix socket cannot use TLS, which this "
            "target takes from target_defaults (line 2): write tls: false in this target");
}

TEST(TlsDefaultsTest, AWrongDefaultFileIsReportedOnce) {
  const LoadResult r = Load(
      "target_defaults:\n"
      "  tls: {ca_file: /nonexistent/ca.crt}\n"
      "targets:\n"
      "  - {name: a, address: 'h:1'}\n"
      "  - {name: b, address: 'h:2'}\n");
  EXPECT_EQ(OnlyError(r),
            "memwatch.yaml:2:18: target_defaults.tls.ca_file: cannot read '/nonexistent/ca.crt': "
            "No such file or directory");
}

// ---- Errors -----------------------------------------------------------------------

TEST(TlsErrorsTest, UnreadableFiles) {
  TempDir dir;
  const LoadResult r = LoadWithTls(
      "      ca_file: /nonexistent/ca.crt\n"
      "      cert_file: " +
      dir.path() +
      "\n"
      "      key_file: /nonexistent/client.key\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:5:16: targets[0].tls.ca_file: cannot read "
                          "'/nonexistent/ca.crt': No such file or directory",
                          "memwatch.yaml:6:18: targets[0].tls.cert_file: cannot read '" +
                              dir.path() + "': Is a directory",
                          "memwatch.yaml:7:17: targets[0].tls.key_file: cannot read "
                          "'/nonexistent/client.key': No such file or directory"));
}

TEST(TlsErrorsTest, FilesThatAreNotPem) {
  TempDir dir;
  const std::string text = dir.Write("ca.txt", "not a certificate\n");
  const LoadResult r = LoadWithTls("      ca_file: " + text +
                                   "\n"
                                   "      cert_file: " +
                                   Pem("client.key") +
                                   "\n"
                                   "      key_file: " +
                                   Pem("client.crt") + "\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:5:16: targets[0].tls.ca_file: '" + text +
                              "' holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                          "memwatch.yaml:6:18: targets[0].tls.cert_file: '" + Pem("client.key") +
                              "' holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                          "memwatch.yaml:7:17: targets[0].tls.key_file: '" + Pem("client.crt") +
                              "' holds no PEM private key (-----BEGIN PRIVATE KEY-----)"));
}

TEST(TlsErrorsTest, KeyMaterialNeverAppearsInErrors) {
  // A key where a certificate belongs, and the reverse: the messages name
  // the files, never what is in them.
  const LoadResult r = LoadWithTls("      ca_file: " + Pem("ca.key") +
                                   "\n"
                                   "      cert_file: " +
                                   Pem("client.key") +
                                   "\n"
                                   "      key_file: " +
                                   Pem("mismatch.key") + "\n");
  ASSERT_FALSE(r.ok());
  for (const std::string name : {"ca.key", "client.key", "mismatch.key"}) {
    std::istringstream lines(ReadAll(Pem(name)));
    std::string line;
    while (std::getline(lines, line)) {
      if (line.starts_with("-----")) continue;
      EXPECT_THAT(AllErrors(r), Not(HasSubstr(line.substr(0, 16)))) << name;
    }
  }
}

TEST(TlsErrorsTest, CertFileWithoutKeyFileAndTheReverse) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    tls: {cert_file: " +
      Pem("client.crt") +
      "}\n"
      "  - name: b\n"
      "    address: h:2\n"
      "    tls:\n"
      "      key_file: " +
      Pem("client.key") + "\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:4:22: targets[0].tls.cert_file: a client certificate "
                          "needs its private key: set key_file too",
                          "memwatch.yaml:8:17: targets[1].tls.key_file: a private key needs its "
                          "client certificate: set cert_file too"));
}

TEST(TlsErrorsTest, AKeyThatDoesNotMatchItsCertificate) {
  const LoadResult r = LoadWithTls("      cert_file: " + Pem("client.crt") +
                                   "\n"
                                   "      key_file: " +
                                   Pem("mismatch.key") + "\n");
  EXPECT_EQ(OnlyError(r), "memwatch.yaml:6:17: targets[0].tls.key_file: the private key in '" +
                              Pem("mismatch.key") + "' does not belong to the certificate in '" +
                              Pem("client.crt") + "'");
}

TEST(TlsErrorsTest, AnEncryptedKeyIsRefusedWithoutAPrompt) {
  TempDir dir;
  const std::string encrypted = dir.path() + "/encrypted.key";
  const std::string command = "openssl pkey -in '" + Pem("client.key") + "' -aes256 -passout " +
                              "pass:secret -out '" + encrypted + "' 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);  // NOLINT(concurrency-mt-unsafe): one thread
  const LoadResult r = LoadWithTls("      cert_file: " + Pem("client.crt") +
                                   "\n"
                                   "      key_file: " +
                                   encrypted + "\n");
  EXPECT_THAT(OnlyError(r),
              HasSubstr("targets[0].tls.key_file: '" + encrypted +
                        "' holds an encrypted private key; the daemon cannot ask for a "
                        "passphrase"));
}

TEST(TlsErrorsTest, UnknownKeySuggestsTheNearest) {
  EXPECT_EQ(OnlyError(LoadWithTls("      ca_fle: /etc/ca.pem\n")),
            "memwatch.yaml:5:7: targets[0].tls.ca_fle: unknown key 'ca_fle'; did you mean "
            "'ca_file'?");
  EXPECT_EQ(OnlyError(LoadWithTls("      verify: false\n")),
            "memwatch.yaml:5:7: targets[0].tls.verify: unknown key 'verify'; expected one of: "
            "ca_file, cert_file, key_file, server_name, insecure_skip_verify");
}

TEST(TlsErrorsTest, WrongValues) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - {name: a, address: 'h:1', tls: maybe}\n")),
            "memwatch.yaml:2:36: targets[0].tls: expected true or false, got 'maybe'");
  EXPECT_EQ(OnlyError(Load("targets:\n  - {name: a, address: 'h:1', tls: [x]}\n")),
            "memwatch.yaml:2:36: targets[0].tls: expected true, false or a mapping of ca_file, "
            "cert_file, key_file, server_name and insecure_skip_verify, found a list; tls: {} "
            "turns TLS on with the defaults");
  EXPECT_EQ(OnlyError(LoadWithTls("      insecure_skip_verify: yes please\n")),
            "memwatch.yaml:5:29: targets[0].tls.insecure_skip_verify: expected true or false, "
            "got 'yes please'");
  EXPECT_EQ(OnlyError(LoadWithTls("      server_name: ''\n")),
            "memwatch.yaml:5:20: targets[0].tls.server_name: expected a host name, got an empty "
            "value");
}

TEST(TlsErrorsTest, FalseWithARedissAddress) {
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: rediss://h\n"
                           "    tls: false\n")),
            "memwatch.yaml:4:10: targets[0].tls: tls: false contradicts the rediss:// address; "
            "use redis:// for plain TCP");
}

TEST(TlsErrorsTest, TlsOnAUnixSocket) {
  EXPECT_EQ(OnlyError(Load("targets:\n"
                           "  - name: a\n"
                           "    address: unix:/run/redis.sock\n"
                           "    tls: {}\n")),
            "memwatch.yaml:4:10: targets[0].tls: a unix socket cannot use TLS; remove tls: or "
            "use a TCP address");
}

TEST(TlsErrorsTest, EveryErrorAtOnce) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    tls: {cert_file: " +
      Pem("client.crt") +
      "}\n"
      "  - name: b\n"
      "    address: rediss://h\n"
      "    tls: false\n"
      "  - name: c\n"
      "    address: h:3\n"
      "    tls: {cert_file: " +
      Pem("server.crt") + ", key_file: " + Pem("client.key") + "}\n");
  EXPECT_EQ(r.errors.size(), 3u) << AllErrors(r);
  EXPECT_THAT(AllErrors(r), HasSubstr("memwatch.yaml:4:22: targets[0].tls.cert_file:"));
  EXPECT_THAT(AllErrors(r), HasSubstr("memwatch.yaml:7:10: targets[1].tls:"));
  EXPECT_THAT(AllErrors(r), HasSubstr("memwatch.yaml:10:"));
}

// ---- The file checks on their own ----------------------------------------------

TEST(TlsFilesTest, ChecksOfTheMadeCertificates) {
  for (const char* name : {"ca.crt", "server.crt", "client.crt", "expired.crt", "other.crt",
                           "cn-only.crt", "other-ca.crt"}) {
    EXPECT_TRUE(CheckCertificateFile(Pem(name)).ok()) << name;
  }
  for (const char* name : {"server", "client", "expired", "other", "cn-only"}) {
    const std::string base = Pem(name);
    EXPECT_TRUE(CheckPrivateKeyFile(base + ".key").ok()) << name;
    EXPECT_TRUE(CheckKeyMatchesCertificate(base + ".crt", base + ".key").ok()) << name;
    EXPECT_FALSE(CheckKeyMatchesCertificate(base + ".crt", Pem("mismatch.key")).ok()) << name;
  }
}

}  // namespace tls_config_test
}  // namespace memwatch::config
