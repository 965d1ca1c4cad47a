// The heap is trimmed once per drained backlog, only when every receiver's
// queue is empty, and every hook still reaches the metrics.
#include "app/heap_trimmer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace memwatch::app {
namespace {

class RecordingObserver final : public alerting::DispatchObserver {
 public:
  std::vector<std::string> calls;
  void OnNotification(std::string_view r, alerting::NotificationResult result) override {
    calls.push_back(std::string(r) + " " + std::string(alerting::ResultLabel(result)));
  }
  void OnQueueLength(std::string_view r, size_t length) override {
    calls.push_back(std::string(r) + " queue " + std::to_string(length));
  }
  void OnDelivered(std::string_view r, Duration latency) override {
    calls.push_back(std::string(r) + " delivered " + std::to_string(latency.count()));
  }
};

struct Fixture {
  RecordingObserver next;
  int trims = 0;
  HeapTrimmer trimmer{&next, [this] { ++trims; }, 3};
};

TEST(HeapTrimmerTest, ForwardsEveryHook) {
  Fixture f;
  f.trimmer.OnNotification("slack", alerting::NotificationResult::kRetried);
  f.trimmer.OnQueueLength("slack", 2);
  f.trimmer.OnDelivered("slack", Duration(250));
  EXPECT_EQ(f.next.calls,
            (std::vector<std::string>{"slack retried", "slack queue 2", "slack delivered 250"}));
}

TEST(HeapTrimmerTest, TrimsOnceWhenABacklogDrains) {
  Fixture f;
  for (size_t n : {1, 2, 3, 4, 3, 2, 1}) f.trimmer.OnQueueLength("slack", n);
  EXPECT_EQ(f.trims, 0);
  f.trimmer.OnQueueLength("slack", 0);
  EXPECT_EQ(f.trims, 1);
  f.trimmer.OnQueueLength("slack", 0);
  EXPECT_EQ(f.trims, 1);
}

TEST(HeapTrimmerTest, ASmallBacklogIsNotWorthATrim) {
  Fixture f;
  for (size_t n : {1, 2, 1, 0, 1, 0}) f.trimmer.OnQueueLength("slack", n);
  EXPECT_EQ(f.trims, 0);
}

TEST(HeapTrimmerTest, WaitsUntilEveryReceiverHasDrained) {
  Fixture f;
  f.trimmer.OnQueueLength("slack", 2);
  f.trimmer.OnQueueLength("mail", 2);  // 4 queued in all
  f.trimmer.OnQueueLength("slack", 0);
  EXPECT_EQ(f.trims, 0);  // mail still holds 2
  f.trimmer.OnQueueLength("mail", 0);
  EXPECT_EQ(f.trims, 1);
}

TEST(HeapTrimmerTest, TrimsAgainAfterTheNextBacklog) {
  Fixture f;
  for (size_t n : {5, 0, 1, 2, 3, 0}) f.trimmer.OnQueueLength("slack", n);
  EXPECT_EQ(f.trims, 2);
}

}  // namespace
}  // namespace memwatch::app
