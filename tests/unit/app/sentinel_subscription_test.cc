// EventConcerns: which sentinel events are about the watched group.
#include "app/sentinel_subscription.h"

#include <gtest/gtest.h>

namespace memwatch::app {
namespace sentinel_subscription_test {

TEST(SentinelSubscriptionTest, AnEventConcernsTheGroupItNames) {
  EXPECT_TRUE(EventConcerns("master orders 10.0.0.1 6379 #quorum 2/2", "orders"));
  EXPECT_TRUE(EventConcerns("slave 10.0.0.2:6379 10.0.0.2 6379 @ orders 10.0.0.1 6379", "orders"));
  EXPECT_TRUE(EventConcerns("orders 10.0.0.1 6379 10.0.0.2 6379", "orders"));
  EXPECT_FALSE(EventConcerns("master orders2 10.0.0.1 6379", "orders"));
  EXPECT_FALSE(EventConcerns("slave 10.0.0.2:6379 10.0.0.2 6379 @ carts 10.0.0.1 6379", "orders"));
  EXPECT_FALSE(EventConcerns("", "orders"));
}

}  // namespace sentinel_subscription_test
}  // namespace memwatch::app
