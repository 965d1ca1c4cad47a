#include "app/cli.h"

#include <gtest/gtest.h>

namespace memwatch::app {
namespace cli_test {

Result<Command> Parse(std::vector<std::string> args) { return ParseCommandLine(args); }

TEST(CliTest, DaemonNeedsConfig) {
  Result<Command> r = Parse({"--config", "a.yml", "--log-level", "debug"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().kind, Command::Kind::kDaemon);
  EXPECT_EQ(r.value().config_path, "a.yml");
  EXPECT_EQ(r.value().log_level, "debug");
  EXPECT_FALSE(Parse({}).ok());
}

TEST(CliTest, CheckConfigAndInlineValues) {
  Result<Command> r = Parse({"--config=a.yml", "--check-config"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().kind, Command::Kind::kCheckConfig);
  EXPECT_EQ(r.value().config_path, "a.yml");
}

TEST(CliTest, VersionAndHelp) {
  EXPECT_EQ(Parse({"--version"}).value().kind, Command::Kind::kVersion);
  EXPECT_EQ(Parse({"--help"}).value().kind, Command::Kind::kHelp);
}

TEST(CliTest, DoctorWithUrlOrConfig) {
  Result<Command> r = Parse({"doctor", "redis://localhost:6379", "--format", "json"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().kind, Command::Kind::kDoctor);
  EXPECT_EQ(*r.value().url, "redis://localhost:6379");
  EXPECT_TRUE(r.value().json);
  EXPECT_TRUE(Parse({"doctor", "--config", "a.yml"}).ok());
  EXPECT_FALSE(Parse({"doctor"}).ok());
  EXPECT_FALSE(Parse({"doctor", "redis://a", "--config", "a.yml"}).ok());
  EXPECT_FALSE(Parse({"doctor", "redis://a", "--format", "xml"}).ok());
}

TEST(CliTest, DoctorTlsFlagsAsATlsBlockWouldSetThem) {
  Result<Command> r =
      Parse({"doctor", "rediss://cache:6380", "--tls-ca-file", "ca.pem", "--tls-cert-file=c.pem",
             "--tls-key-file", "c.key", "--tls-server-name", "redis.internal"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_TRUE(r.value().tls.has_value());
  EXPECT_EQ(*r.value().tls, (TlsSettings{"ca.pem", "c.pem", "c.key", "redis.internal", false}));
  Result<Command> insecure = Parse({"doctor", "10.0.0.1:6380", "--tls-insecure-skip-verify"});
  ASSERT_TRUE(insecure.ok());
  EXPECT_TRUE(insecure.value().tls->insecure_skip_verify);
  EXPECT_FALSE(Parse({"doctor", "rediss://cache:6380"}).value().tls.has_value());
  // A client certificate needs its key; the flags go with an address.
  EXPECT_FALSE(Parse({"doctor", "rediss://c:1", "--tls-cert-file", "c.pem"}).ok());
  EXPECT_FALSE(Parse({"doctor", "--config", "a.yml", "--tls-ca-file", "ca.pem"}).ok());
  EXPECT_FALSE(Parse({"--config", "a.yml", "--tls-ca-file", "ca.pem"}).ok());
}

TEST(CliTest, DoctorScanTimeAndNoScan) {
  Result<Command> r = Parse({"doctor", "redis://a"});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r.value().scan_time.has_value());  // kDefaultScanTime applies
  EXPECT_EQ(kDefaultScanTime, std::chrono::seconds(10));
  EXPECT_FALSE(r.value().no_scan);

  r = Parse({"doctor", "redis://a", "--scan-time", "30s"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().scan_time, std::chrono::seconds(30));
  r = Parse({"doctor", "--config", "a.yml", "--scan-time=1m30s"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r.value().scan_time, std::chrono::seconds(90));
  r = Parse({"doctor", "redis://a", "--scan-time", "250ms"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value().scan_time, std::chrono::milliseconds(250));

  r = Parse({"doctor", "redis://a", "--no-scan"});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.value().no_scan);
  EXPECT_FALSE(r.value().scan_time.has_value());
}

TEST(CliTest, DoctorScanTimeErrorsNameTheFlag) {
  for (const char* bad : {"0s", "0", "-5s", "10", "soon", ""}) {
    Result<Command> r = Parse({"doctor", "redis://a", "--scan-time", bad});
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("--scan-time"), std::string::npos)
        << bad << ": " << r.status().message();
  }
  Result<Command> r = Parse({"doctor", "redis://a", "--scan-time"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "--scan-time needs a value");
  r = Parse({"doctor", "redis://a", "--no-scan", "--scan-time", "5s"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "--scan-time does not go with --no-scan");
  // Doctor's flags only.
  EXPECT_FALSE(Parse({"--config", "a.yml", "--scan-time", "5s"}).ok());
  EXPECT_FALSE(Parse({"--config", "a.yml", "--no-scan"}).ok());
  EXPECT_FALSE(Parse({"test-alert", "--config", "a.yml", "--no-scan"}).ok());
}

TEST(CliTest, UsageNamesTheScanFlags) {
  EXPECT_NE(UsageText().find("--scan-time DUR"), std::string::npos);
  EXPECT_NE(UsageText().find("--no-scan"), std::string::npos);
}

TEST(CliTest, ErrorsNeverEchoPositionalArguments) {
  // A second URL may carry a password: the error must not repeat it.
  Result<Command> r = Parse({"doctor", "redis://a", "redis://u:hunter2@b"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().find("hunter2"), std::string::npos);
}

TEST(CliTest, RejectsUnknownOptionsAndLevels) {
  EXPECT_FALSE(Parse({"--config", "a", "--bogus"}).ok());
  EXPECT_FALSE(Parse({"--config", "a", "--log-level", "loud"}).ok());
  EXPECT_FALSE(Parse({"--config"}).ok());
}

}  // namespace cli_test
}  // namespace memwatch::app
