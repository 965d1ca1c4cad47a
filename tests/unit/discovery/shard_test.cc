// Md5 against the test suite of RFC 1321 (A.5); ShardOf against
// Prometheus's hashmod, expected values computed with Python:
//   int.from_bytes(hashlib.md5(s).digest()[8:], 'big') % n
#include "discovery/shard.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "discovery/md5.h"

namespace memwatch::discovery {
namespace shard_test {

std::string Hex(const Md5Digest& d) {
  std::string out;
  for (const uint8_t b : d) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

TEST(Md5, Rfc1321TestSuite) {
  EXPECT_EQ(Hex(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Hex(Md5("a")), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(Hex(Md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Hex(Md5("message digest")), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(Hex(Md5("abcdefghijklmnopqrstuvwxyz")), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(Hex(Md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  std::string eighty;
  for (int i = 0; i < 8; ++i) {
    eighty += "1234567890";
  }
  EXPECT_EQ(Hex(Md5(eighty)), "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, LengthsAroundTheBlockEdgesAndLongInput) {
  // hashlib.md5(b'a' * 1000000).hexdigest()
  EXPECT_EQ(Hex(Md5(std::string(1000000, 'a'))), "7707d6ae4e027c70eea2a935c2296f21");
  // 55, 56, 63, 64 and 65 bytes change the padding; all differ from each other.
  std::vector<std::string> digests;
  for (const size_t n : {55, 56, 63, 64, 65}) {
    digests.push_back(Hex(Md5(std::string(n, 'x'))));
  }
  for (size_t i = 1; i < digests.size(); ++i) {
    EXPECT_NE(digests[i], digests[i - 1]);
  }
  // hashlib.md5(b"x" * 56).hexdigest()
  EXPECT_EQ(digests[1], "668a72d5ba17f08e62dabcafad6db14b");
}

TEST(ShardOf, MatchesPrometheusHashmod) {
  // int.from_bytes(hashlib.md5(b'redis-a:6379').digest()[8:], 'big') == 16552987212558875247
  EXPECT_EQ(ShardOf("redis-a:6379", 2), 1u);
  EXPECT_EQ(ShardOf("redis-a:6379", UINT64_MAX), 16552987212558875247u);
  EXPECT_EQ(ShardOf("redis-b:6379", 2), 1u);         // ...10567368196180552635
  EXPECT_EQ(ShardOf("10.0.0.1:6379", 3), 2u);        // ...5211904075848829991
  EXPECT_EQ(ShardOf("cache-01.prod:6380", 5), 0u);   // ...10440455768190817885
  EXPECT_EQ(ShardOf("", 7), 1u);                     // ...16825458760271544958
  EXPECT_EQ(ShardOf("localhost:6379", 1000), 455u);  // ...16725974253980733455
  EXPECT_EQ(ShardOf("anything", 1), 0u);
}

TEST(ShardOf, EveryNameInExactlyOneShard) {
  std::vector<int> per_shard(2, 0);
  for (int i = 0; i < 100; ++i) {
    const std::string name = "redis-" + std::to_string(i) + ".example:6379";
    const uint64_t shard = ShardOf(name, 2);
    ASSERT_LT(shard, 2u);
    EXPECT_EQ(ShardOf(name, 2), shard);  // stable
    ++per_shard[shard];
  }
  EXPECT_EQ(per_shard[0] + per_shard[1], 100);
  EXPECT_GT(per_shard[0], 30);  // and roughly even
  EXPECT_GT(per_shard[1], 30);
}

}  // namespace shard_test
}  // namespace memwatch::discovery
