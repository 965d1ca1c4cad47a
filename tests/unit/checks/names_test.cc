#include <gtest/gtest.h>

#include "checks/observation.h"
#include "memwatch/finding.h"

namespace memwatch::checks {
namespace {

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
}

}  // namespace
}  // namespace memwatch::checks
