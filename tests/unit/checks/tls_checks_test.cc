// tls_certificate_expiring, on a fake wall clock: the harness derives each
// poll's tls_expires_in from the certificate's notAfter, as the daemon does.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "test_support.h"

namespace memwatch::checks {
namespace tls_checks_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers

constexpr char kCheck[] = "tls_certificate_expiring";
constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kNow = MonitorHarness::kWallStart;  // the first poll, 2026-12-07 00:00 UTC

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(TlsCertificateExpiringTest, QuietWithoutTlsAndFarFromExpiry) {
  MonitorHarness h;
  const Snapshot s = SnapshotBuilder().Build();
  EXPECT_FALSE(Has(h.Poll(s), kCheck));
  h.SetTlsNotAfter(kNow + 90 * kDay);
  EXPECT_FALSE(Has(h.Poll(s), kCheck));
  h.SetTlsNotAfter(kNow + 14 * kDay + kHour);
  EXPECT_FALSE(Has(h.Poll(s), kCheck));
}

TEST(TlsCertificateExpiringTest, WarningWithinFourteenDays) {
  MonitorHarness h;
  h.SetTlsNotAfter(kNow + 14 * kDay);
  const auto findings = h.Poll(SnapshotBuilder().Build());
  const Finding* f = FindingFor(findings, kCheck);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_EQ(f->summary,
            "The server's TLS certificate expires on 2026-12-21 00:00 UTC, in 14 days: after that "
            "every poll and every client that verifies the certificate fails the TLS handshake");
  EXPECT_EQ(EvidenceValue(*f, "notAfter"), "2026-12-21 00:00 UTC");
  EXPECT_EQ(EvidenceValue(*f, "expires in"), "14 days");
  EXPECT_EQ(EvidenceValue(*f, "thresholds"), "warning 14 d, critical 3 d");
  EXPECT_TRUE(Contains(f->fix, "tls-cert-file"));
  EXPECT_TRUE(Contains(f->fix, "CONFIG SET tls-cert-file <path> tls-key-file <path>"));
  EXPECT_TRUE(Contains(f->fix, "openssl s_client"));
}

TEST(TlsCertificateExpiringTest, CriticalWithinThreeDaysInHours) {
  MonitorHarness h;
  const Snapshot s = SnapshotBuilder().Build();
  h.SetTlsNotAfter(kNow + 3 * kDay + kHour);
  EXPECT_EQ(LevelOf(h.Poll(s), kCheck), Severity::kWarning);
  // An hour later it is 3 days away.
  const auto findings = h.Poll(s, std::chrono::hours(1));
  const Finding* f = FindingFor(findings, kCheck);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_TRUE(Contains(f->summary, "in 3 days"));
  // 40 hours left reads in hours.
  h.SetTlsNotAfter(static_cast<int64_t>(h.WallSeconds()) + 1 + 40 * kHour);
  const auto later = h.Poll(s);
  EXPECT_EQ(EvidenceValue(*FindingFor(later, kCheck), "expires in"), "40 hours");
}

TEST(TlsCertificateExpiringTest, ExpiredIsCriticalAndSaysSo) {
  MonitorHarness h;
  h.SetTlsNotAfter(kNow - 2 * kDay);
  const auto findings = h.Poll(SnapshotBuilder().Build());
  const Finding* f = FindingFor(findings, kCheck);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_EQ(f->summary,
            "The server's TLS certificate expired on 2026-12-05 00:00 UTC (2 days ago): every "
            "client that verifies it, memwatch included, fails the TLS handshake");
  EXPECT_EQ(EvidenceValue(*f, "expired"), "2 days ago");
}

TEST(TlsCertificateExpiringTest, RenewalClearsAtOnce) {
  MonitorHarness h;
  const Snapshot s = SnapshotBuilder().Build();
  h.SetTlsNotAfter(kNow + kDay);
  EXPECT_EQ(LevelOf(h.Poll(s), kCheck), Severity::kCritical);
  h.SetTlsNotAfter(kNow + 90 * kDay);
  EXPECT_FALSE(Has(h.Poll(s), kCheck));
}

TEST(TlsCertificateExpiringTest, StaysWhilePollsFail) {
  MonitorHarness h;
  h.SetTlsNotAfter(kNow + kHour);
  EXPECT_EQ(LevelOf(h.Poll(SnapshotBuilder().Build()), kCheck), Severity::kCritical);
  // The certificate expires: every handshake fails, target_down takes over
  // and the expiry finding stays beside it.
  std::vector<Finding> findings;
  for (int i = 0; i < 5; ++i) findings = h.Fail(PollFailure::kTls, std::chrono::minutes(30));
  EXPECT_EQ(LevelOf(findings, kCheck), Severity::kCritical);
  EXPECT_EQ(LevelOf(findings, "target_down"), Severity::kCritical);
}

TEST(TlsCertificateExpiringTest, ManagedProviderRotatesItself) {
  MonitorHarness h;
  h.SetTlsNotAfter(kNow + 10 * kDay);
  const auto findings =
      h.Poll(SnapshotBuilder().Set(&Snapshot::os, std::string("Amazon ElastiCache")).Build());
  const Finding* f = FindingFor(findings, kCheck);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::kWarning);
  EXPECT_TRUE(Contains(f->fix, "Amazon ElastiCache rotates its server certificates itself"));
  EXPECT_TRUE(Contains(f->fix, "AWS Health Dashboard"));
  EXPECT_TRUE(Contains(f->fix, "(tls.ca_file)"));
  EXPECT_FALSE(Contains(f->fix, "CONFIG SET"));
}

TEST(TlsCertificateExpiringTest, WithoutTheDateStillSaysWhen) {
  MonitorHarness h;
  // A caller that passes only the time left.
  Observation obs;
  obs.at = MonoTime(std::chrono::hours(1));
  const Snapshot s = SnapshotBuilder().Build();
  obs.snapshot = &s;
  obs.tls_expires_in = 5.0 * kDay;
  const std::vector<Finding> findings = h.monitor().Observe(obs);
  const Finding* f = FindingFor(findings, kCheck);
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(Contains(f->summary, "The server's TLS certificate expires, in 5 days:"));
  EXPECT_EQ(EvidenceValue(*f, "notAfter"), "");
}

TEST(TlsCertificateExpiringTest, ThresholdsAndDisabling) {
  MonitorHarness h(std::nullopt, WithParam(kCheck, "warning", 30.0 * kDay));
  h.SetTlsNotAfter(kNow + 20 * kDay);
  EXPECT_EQ(LevelOf(h.Poll(SnapshotBuilder().Build()), kCheck), Severity::kWarning);
  MonitorHarness off(std::nullopt, Disabled(kCheck));
  off.SetTlsNotAfter(kNow - kDay);
  EXPECT_FALSE(Has(off.Poll(SnapshotBuilder().Build()), kCheck));
}

}  // namespace tls_checks_test
}  // namespace memwatch::checks
