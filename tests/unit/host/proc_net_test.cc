// IsTcpListenerOn and IsUnixSocketAt over the lines of socket tables as the
// kernel prints them, and over garbage.
#include "host/proc_net.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "host/text_fields.h"

namespace memwatch::host {
namespace proc_net_test {

using std::string_literals::operator""s;

// As the daemon reads a table: true iff a line after the header matches.
bool AnyLine(std::string_view table, const std::function<bool(std::string_view)>& matches) {
  const std::vector<std::string_view> lines = SplitLines(table);
  for (size_t i = 1; i < lines.size(); ++i) {
    if (matches(lines[i])) return true;
  }
  return false;
}

bool ListensOnTcpPort(std::string_view table, int64_t port) {
  return AnyLine(table, [&](std::string_view line) { return IsTcpListenerOn(line, port); });
}

bool HasUnixSocket(std::string_view table, std::string_view path) {
  return AnyLine(table, [&](std::string_view line) { return IsUnixSocketAt(line, path); });
}

constexpr const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
    "timeout inode\n"
    "   0: 0100007F:18EB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999        "
    "0 31337 1 0000000000000000 100 0 0 10 0\n"
    "   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000   999        "
    "0 31338 1 0000000000000000 20 4 30 10 -1\n";

constexpr const char* kTcp6 =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000000000000:18EC 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000   999        0 31339 1 0000000000000000 100 0 0 10 "
    "0\n";

TEST(ListensOnTcpPortTest, ListenSocketsOnly) {
  EXPECT_TRUE(ListensOnTcpPort(kTcp, 6379));   // 18EB
  EXPECT_FALSE(ListensOnTcpPort(kTcp, 8080));  // 1F90, but ESTABLISHED
  EXPECT_FALSE(ListensOnTcpPort(kTcp, 0xD431));
  EXPECT_TRUE(ListensOnTcpPort(kTcp6, 6380));
  EXPECT_FALSE(ListensOnTcpPort(kTcp6, 6379));
}

TEST(ListensOnTcpPortTest, HeaderAndGarbageMatchNothing) {
  EXPECT_FALSE(ListensOnTcpPort("", 6379));
  // A table's first line is its header, whatever it holds.
  EXPECT_FALSE(ListensOnTcpPort("   0: 0100007F:18EB 00000000:0000 0A\n", 6379));
  EXPECT_FALSE(ListensOnTcpPort("h\n   0: :18EB 00000000:0000 0A\n", 6379));
  EXPECT_FALSE(ListensOnTcpPort("h\n   0: 0100007F:18EBX 00000000:0000 0A\n", 6379));
  EXPECT_FALSE(ListensOnTcpPort("h\n   0: 0100007F:-18E 00000000:0000 0A\n", -0x18E));
  EXPECT_FALSE(ListensOnTcpPort("h\n   0: 0100007G:18EB 00000000:0000 0A\n", 6379));
  EXPECT_FALSE(ListensOnTcpPort("h\n   0: 0100007F:18EB\n", 6379));
  EXPECT_FALSE(ListensOnTcpPort("h\n\0\xff 0A\n:::\n"s, 6379));
  EXPECT_TRUE(ListensOnTcpPort("h\n   0: 0100007F:18eb 00000000:0000 0a\n", 6379));
}

constexpr const char* kUnix =
    "Num       RefCount Protocol Flags    Type St Inode Path\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01 23456 /run/redis/redis.sock\n"
    "0000000000000000: 00000003 00000000 00000000 0001 03 23457\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01  2345 /run/my redis.sock\n"
    "0000000000000000: 00000002 00000000 00010000 0001 01 23458 @/abstract\n";

TEST(HasUnixSocketTest, ExactPath) {
  EXPECT_TRUE(HasUnixSocket(kUnix, "/run/redis/redis.sock"));
  EXPECT_TRUE(HasUnixSocket(kUnix, "/run/my redis.sock"));  // the path keeps its space
  EXPECT_TRUE(HasUnixSocket(kUnix, "@/abstract"));
  EXPECT_FALSE(HasUnixSocket(kUnix, "/run/redis/redis"));
  EXPECT_FALSE(HasUnixSocket(kUnix, "redis.sock"));
  EXPECT_FALSE(HasUnixSocket(kUnix, "Path"));  // the header
  EXPECT_FALSE(HasUnixSocket(kUnix, ""));
}

TEST(HasUnixSocketTest, GarbageMatchesNothing) {
  EXPECT_FALSE(HasUnixSocket("", "/x"));
  EXPECT_FALSE(HasUnixSocket("h\n/x\n", "/x"));
  EXPECT_FALSE(HasUnixSocket("h\n1 2 3 4 5 6 7\n", "7"));
  EXPECT_FALSE(HasUnixSocket("h\n\0\xff\n"s, "\xff"));
}

}  // namespace proc_net_test
}  // namespace memwatch::host
