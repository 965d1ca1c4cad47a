// The stable names of the shared enums: they are label values of exported
// metrics and fields of doctor's JSON, so a rename is a breaking change.
#include <gtest/gtest.h>

#include <set>
#include <string_view>

#include "memwatch/finding.h"
#include "memwatch/poll_failure.h"
#include "memwatch/provider.h"

namespace memwatch {
namespace names_test {

TEST(SeverityNameTest, StableNames) {
  EXPECT_EQ(SeverityName(Severity::kInfo), "info");
  EXPECT_EQ(SeverityName(Severity::kWarning), "warning");
  EXPECT_EQ(SeverityName(Severity::kCritical), "critical");
}

TEST(PollFailureNameTest, StableNames) {
  EXPECT_EQ(PollFailureName(PollFailure::kNone), "none");
  EXPECT_EQ(PollFailureName(PollFailure::kRefused), "refused");
  EXPECT_EQ(PollFailureName(PollFailure::kTimeout), "timeout");
  EXPECT_EQ(PollFailureName(PollFailure::kAuth), "auth");
  EXPECT_EQ(PollFailureName(PollFailure::kProtocol), "protocol");
  EXPECT_EQ(PollFailureName(PollFailure::kReplyTooLarge), "reply_too_large");
  EXPECT_EQ(PollFailureName(PollFailure::kServerError), "server_error");
  EXPECT_EQ(PollFailureName(PollFailure::kClosed), "closed");
  EXPECT_EQ(PollFailureName(PollFailure::kResolve), "resolve");
  EXPECT_EQ(PollFailureName(PollFailure::kTls), "tls");
}

// kPollFailureCount sizes the per-reason counters of metrics: every value
// below it is a real one (named, distinct), and the one at it is not, so a
// value appended to the enum without raising the count fails here.
TEST(PollFailureNameTest, CountCoversEveryValue) {
  std::set<std::string_view> names;
  for (size_t i = 0; i < kPollFailureCount; ++i) {
    const std::string_view name = PollFailureName(static_cast<PollFailure>(i));
    EXPECT_NE(name, "unknown") << i;
    EXPECT_TRUE(names.insert(name).second) << name;
  }
  EXPECT_EQ(PollFailureName(static_cast<PollFailure>(kPollFailureCount)), "unknown");
}

// `provider:` in the config and the provider label read these names.
TEST(ProviderNameTest, StableNamesThatParseBack) {
  EXPECT_EQ(ProviderName(Provider::kSelfManaged), "self-managed");
  EXPECT_EQ(ProviderName(Provider::kElastiCache), "elasticache");
  EXPECT_EQ(ProviderName(Provider::kAzure), "azure");
  EXPECT_EQ(ProviderName(Provider::kMemorystore), "memorystore");
  for (Provider p :
       {Provider::kSelfManaged, Provider::kElastiCache, Provider::kAzure, Provider::kMemorystore}) {
    EXPECT_EQ(ParseProviderName(ProviderName(p)), p);
    EXPECT_NE(ProviderTitle(p), "unknown");
  }
  EXPECT_EQ(ParseProviderName("auto"), std::nullopt);
  EXPECT_EQ(ParseProviderName("ElastiCache"), std::nullopt);
  EXPECT_EQ(ParseProviderName(""), std::nullopt);
}

}  // namespace names_test
}  // namespace memwatch
