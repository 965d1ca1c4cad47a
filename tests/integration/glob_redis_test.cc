// keyspace::GlobMatch against Redis itself: the same random patterns of
// glob metacharacters given to KEYS on a real redis-server and to
// GlobMatch over the same keys must select the same keys.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "harness/redis_server.h"
#include "keyspace/glob.h"
#include "memwatch/clock.h"
#include "poller/command_client.h"

namespace memwatch::testing {
namespace glob_redis_test {

using std::chrono::seconds;
using std::chrono::steady_clock;

std::string Random(std::mt19937& rng, std::string_view alphabet, int max_length) {
  std::uniform_int_distribution<int> length(0, max_length);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::string out;
  for (int n = length(rng); n > 0; --n) out += alphabet[pick(rng)];
  return out;
}

TEST(GlobRedisTest, GlobMatchSelectsWhatKeysSelects) {
  RedisServer redis;
  SystemClock clock;
  poller::PollTarget target;
  target.name = "r";
  target.endpoint.host = "127.0.0.1";
  target.endpoint.port = redis.Port();
  poller::CommandClient client(target, {}, clock);
  std::mt19937 rng(7);
  std::set<std::string> keys;
  for (int i = 0; i < 300; ++i) keys.insert(Random(rng, "ab:-]^\\[*?\xff", 6));
  std::vector<std::vector<std::string>> writes;
  for (const std::string& k : keys) writes.push_back({"SET", k, "1"});
  ASSERT_TRUE(client.Pipeline(writes, steady_clock::now() + seconds(10)).ok());
  int differences = 0;
  for (int i = 0; i < 1500; ++i) {
    std::string pattern = Random(rng, "ab?*[]^-\\:\xff", 7);
    if (pattern.empty()) pattern = "a";
    auto replies = client.Pipeline({{"KEYS", pattern}}, steady_clock::now() + seconds(10));
    ASSERT_TRUE(replies.ok()) << replies.status().message();
    std::set<std::string> redis_keys;
    for (const poller::Reply& r : replies.value()[0].elements) redis_keys.insert(r.text);
    std::set<std::string> ours;
    for (const std::string& k : keys) {
      if (keyspace::GlobMatch(pattern, k)) ours.insert(k);
    }
    if (ours != redis_keys && ++differences <= 5) {
      ADD_FAILURE() << "pattern '" << pattern << "': Redis " << redis_keys.size() << " keys, ours "
                    << ours.size();
    }
  }
  EXPECT_EQ(differences, 0);
}

}  // namespace glob_redis_test
}  // namespace memwatch::testing
