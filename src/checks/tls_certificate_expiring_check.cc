// tls_certificate_expiring: the server's TLS certificate (notAfter) expires
// within `warning`, or within `critical`, or already expired. After that
// every handshake that verifies the certificate fails: every poll of this
// daemon (PollFailure::kTls, which target_down reports) and every client of
// the server that verifies.
//
// The time left comes from the caller (Observation::tls_expires_in, from the
// wall clock at the poll); the date from Observation::tls_not_after where the
// caller passes it. No TLS: quiet.
//
// Only successful polls carry a certificate, so the default NeedsSnapshot()
// keeps the last finding while polls fail: once the certificate expired and
// every poll fails, the finding that said so stays beside target_down. No
// hysteresis: time moves one way, and a renewed certificate (the time left
// jumps up) clears the finding at the next poll.
#include <cmath>

#include <fmt/format.h>

#include "checks/check.h"
#include "checks/format.h"

namespace memwatch::checks {
namespace {

constexpr double kHour = 3600;
constexpr double kDay = 24 * kHour;

// "13 days", "47 hours", "45 min": whole units, rounded down.
std::string TimeLeft(double seconds) {
  if (seconds >= 2 * kDay) return fmt::format("{:.0f} days", std::floor(seconds / kDay));
  if (seconds >= 2 * kHour) return fmt::format("{:.0f} hours", std::floor(seconds / kHour));
  return FormatDuration(seconds);
}

// Where the provider announces certificate and CA changes.
std::string_view AnnouncedIn(Provider p) {
  switch (p) {
    case Provider::kElastiCache:
      return "the AWS Health Dashboard and the cache's events (aws elasticache describe-events)";
    case Provider::kAzure:
      return "Azure Service Health and the cache's Advisor recommendations";
    case Provider::kMemorystore:
      return "the Google Cloud console's notifications for the instance; gcloud redis instances "
             "describe <instance> --region=<region> --format=\"value(serverCaCerts)\" prints the "
             "CA certificates it uses now";
    case Provider::kSelfManaged:
      break;
  }
  return "";
}

class TlsCertificateExpiringCheck final : public Check {
 public:
  TlsCertificateExpiringCheck() : Check("tls_certificate_expiring") {}

  std::optional<Finding> Evaluate(const CheckContext& ctx) override {
    if (!ctx.obs.tls_expires_in.has_value()) return std::nullopt;
    const double left = *ctx.obs.tls_expires_in;
    const double warning = Param(ctx, "warning");
    const double critical = Param(ctx, "critical");
    if (left > warning) return std::nullopt;
    const Severity severity = left <= critical ? Severity::kCritical : Severity::kWarning;

    const std::optional<int64_t> not_after = ctx.obs.tls_not_after;
    std::vector<Evidence> evidence;
    if (not_after.has_value()) evidence.push_back({"notAfter", FormatUtcTime(*not_after)});
    evidence.push_back({left < 0 ? "expired" : "expires in",
                        left < 0 ? TimeLeft(-left) + " ago" : TimeLeft(left)});
    evidence.push_back(
        {"thresholds", fmt::format("warning {}, critical {}", FormatDuration(warning),
                                   FormatDuration(critical))});
    return MakeFinding(severity, Summary(left, not_after), std::move(evidence), Fix(ctx));
  }

  void Reset() override {}

 private:
  static std::string Summary(double left, std::optional<int64_t> not_after) {
    const std::string on = not_after.has_value() ? " on " + FormatUtcTime(*not_after) : "";
    if (left < 0) {
      return fmt::format(
          "The server's TLS certificate expired{} ({} ago): every client that verifies it, "
          "memwatch included, fails the TLS handshake",
          on, TimeLeft(-left));
    }
    return fmt::format(
        "The server's TLS certificate expires{}, in {}: after that every poll and every client "
        "that verifies the certificate fails the TLS handshake",
        on, TimeLeft(left));
  }

  static std::string Fix(const CheckContext& ctx) {
    if (ctx.provider != Provider::kSelfManaged) {
      return fmt::format(
          "{} rotates its server certificates itself: nothing to renew on your side. Check its "
          "announcements of a certificate or CA change in {}, and that the CA bundle that "
          "memwatch (tls.ca_file) and your clients verify with includes the new CA before the "
          "change. If the certificate is still this close to expiry without an announcement, "
          "open a support case.",
          ProviderTitle(ctx.provider), AnnouncedIn(ctx.provider));
    }
    return "Renew the server certificate where the server's TLS is configured: redis.conf's "
           "tls-cert-file and tls-key-file name the files. Put the renewed certificate and key "
           "in place, then load them without a restart (Redis reads the files again even when "
           "the paths are unchanged):\n"
           "  CONFIG SET tls-cert-file <path> tls-key-file <path>\n"
           "(one CONFIG SET with both before Redis 7 is not possible: restart Redis instead when "
           "the key changed too). Keep the new certificate signed by a CA that memwatch "
           "(tls.ca_file) and the clients trust. Check what the server presents:\n"
           "  openssl s_client -connect <host>:<port> -servername <name> </dev/null | openssl "
           "x509 -noout -enddate";
  }
};

}  // namespace

std::unique_ptr<Check> NewTlsCertificateExpiringCheck() {
  return std::make_unique<TlsCertificateExpiringCheck>();
}

}  // namespace memwatch::checks
