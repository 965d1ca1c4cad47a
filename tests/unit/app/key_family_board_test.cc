// The hand-over of key families between the sampler and poller threads:
// a sample replaces the figures but keeps what eviction events recorded.
#include "app/key_family_board.h"

#include <gtest/gtest.h>

namespace memwatch::app {
namespace {

TEST(KeyFamilyBoardTest, PublishGetRemove) {
  KeyFamilyBoard board;
  EXPECT_EQ(board.Get("a"), nullptr);
  KeyFamilies f;
  f.total_keys = 7;
  board.PublishSample("a", f);
  const std::shared_ptr<const KeyFamilies> got = board.Get("a");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->total_keys, 7u);
  f.total_keys = 8;
  board.PublishSample("a", f);
  EXPECT_EQ(got->total_keys, 7u) << "a reader's snapshot never changes under it";
  EXPECT_EQ(board.Get("a")->total_keys, 8u);
  board.Remove("a");
  EXPECT_EQ(board.Get("a"), nullptr);
}

TEST(KeyFamilyBoardTest, ASampleKeepsTheEvictionRecord) {
  KeyFamilyBoard board;
  board.Update("a", [](KeyFamilies& f) {
    f.protected_keys.evicted_total = 3;
    f.protected_keys.evicted_examples = {"session:1"};
    f.protected_keys.eviction_events = true;
  });
  KeyFamilies sample;
  sample.total_keys = 100;
  sample.protected_keys.patterns = {"session:*"};
  sample.protected_keys.sampled = 5;
  board.PublishSample("a", sample);
  const std::shared_ptr<const KeyFamilies> got = board.Get("a");
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->total_keys, 100u);
  EXPECT_EQ(got->protected_keys.sampled, 5u);
  EXPECT_EQ(got->protected_keys.evicted_total, 3u);
  EXPECT_EQ(got->protected_keys.evicted_examples, std::vector<std::string>{"session:1"});
  EXPECT_EQ(got->protected_keys.eviction_events, true);
}

}  // namespace
}  // namespace memwatch::app
