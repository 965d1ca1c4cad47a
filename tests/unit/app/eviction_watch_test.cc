// The pure parts of the eviction watch: which notify-keyspace-events
// settings announce evictions, which pub/sub messages are evictions, and
// how they are counted on the board (escaped, the latest few).
#include "app/eviction_watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace memwatch::app {
namespace eviction_watch_test {

using poller::Reply;

Reply Str(std::string s) { return Reply{.type = Reply::Type::kString, .text = std::move(s)}; }
Reply Arr(std::vector<Reply> e) {
  return Reply{.type = Reply::Type::kArray, .elements = std::move(e)};
}

TEST(EvictionWatchTest, EventsNeedKeyEventChannelsAndEvictions) {
  EXPECT_TRUE(EvictionEventsOn("Ee"));
  EXPECT_TRUE(EvictionEventsOn("eE"));
  EXPECT_TRUE(EvictionEventsOn("KEA"));  // A includes e
  EXPECT_TRUE(EvictionEventsOn("Exe"));
  EXPECT_FALSE(EvictionEventsOn(""));
  EXPECT_FALSE(EvictionEventsOn("Ex"));  // expirations only
  EXPECT_FALSE(EvictionEventsOn("Ke"));  // keyspace channels, not keyevent
  EXPECT_FALSE(EvictionEventsOn("KA"));
}

TEST(EvictionWatchTest, OnlyEvictedPmessagesCarryAKey) {
  const std::string key("session:\"q\"\n\xff", 13);
  EXPECT_EQ(EvictedKeyOf(Arr({Str("pmessage"), Str("__keyevent@*__:evicted"),
                              Str("__keyevent@3__:evicted"), Str(key)})),
            key);
  EXPECT_EQ(EvictedKeyOf(Arr({Str("psubscribe"), Str("__keyevent@*__:evicted"),
                              Reply{.type = Reply::Type::kInteger, .integer = 1}})),
            std::nullopt);
  EXPECT_EQ(EvictedKeyOf(Arr({Str("pmessage"), Str("p"), Str("__keyevent@0__:expired"), Str("k")})),
            std::nullopt);
  EXPECT_EQ(EvictedKeyOf(Arr({Str("message"), Str("__keyevent@0__:evicted"), Str("k")})),
            std::nullopt);
  EXPECT_EQ(EvictedKeyOf(Str("pmessage")), std::nullopt);
}

TEST(EvictionWatchTest, RecordsTheCountTheTimeAndTheLatestNamesEscaped) {
  ProtectedKeys p;
  const MonoTime t1{std::chrono::seconds(10)};
  RecordEvictions({"session:1", "session:\"<script>\n"}, t1, &p);
  EXPECT_EQ(p.evicted_total, 2u);
  EXPECT_EQ(p.last_evicted, t1);
  EXPECT_EQ(p.eviction_events, true);
  EXPECT_THAT(p.evicted_examples, ::testing::ElementsAre("session:1", "session:\\\"<script>\\x0a"));
  std::vector<std::string> many;
  for (int i = 0; i < 10; ++i) many.push_back("session:" + std::to_string(i + 100));
  RecordEvictions(many, t1 + std::chrono::seconds(1), &p);
  EXPECT_EQ(p.evicted_total, 12u);
  EXPECT_EQ(p.evicted_examples.size(), kEvictedExamples);
  EXPECT_EQ(p.evicted_examples.back(), "session:109");
  RecordEvictions({}, t1 + std::chrono::seconds(5), &p);
  EXPECT_EQ(p.last_evicted, t1 + std::chrono::seconds(1));
}

}  // namespace eviction_watch_test
}  // namespace memwatch::app
