// SIGHUP re-reads the config: targets added, removed or changed take effect
// without a restart, unchanged targets keep their history, and an invalid
// config is rejected while the old one keeps running.
#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "harness/daemon_process.h"
#include "harness/redis_server.h"

namespace memwatch::testing {
namespace reload_test {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Target(const std::string& name, int port) {
  return "  - name: " + name + "\n    address: 127.0.0.1:" + std::to_string(port) + "\n";
}

std::string Config(const std::string& targets) {
  return "listen: \"127.0.0.1:0\"\ninterval: 200ms\ntimeout: 500ms\ntargets:\n" + targets;
}

double Polls(DaemonProcess& d, const std::string& target) {
  return d.Value("redis_memwatch_probe_duration_seconds_count{target=\"" + target + "\"}")
      .value_or(0);
}

void Rewrite(const DaemonProcess& d, const std::string& yaml) {
  std::ofstream(d.ConfigPath(), std::ios::trunc) << yaml;
}

TEST(ReloadTest, SighupAddsRemovesAndKeepsTargetsAndRejectsABadConfig) {
  RedisServer a;
  RedisServer b;
  DaemonProcess d(Config(Target("a", a.Port())));
  ASSERT_TRUE(WaitFor([&] { return Polls(d, "a") >= 3; })) << d.Log();
  EXPECT_EQ(d.Value("redis_memwatch_config_last_reload_successful"), 1.0);

  // Add b; a is unchanged and keeps its history (its poll count goes on).
  double a_before = Polls(d, "a");
  Rewrite(d, Config(Target("a", a.Port()) + Target("b", b.Port())));
  d.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"b\"}") == 1.0; })) << d.Log();
  EXPECT_GE(Polls(d, "a"), a_before);

  // An invalid config is rejected with its errors; the old one keeps running.
  Rewrite(d, Config(Target("a", a.Port()) + "  - name: c\n    adress: nowhere\n"));
  d.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return d.Value("redis_memwatch_config_last_reload_successful") == 0.0;
  })) << d.Log();
  EXPECT_THAT(d.Log(), HasSubstr(d.ConfigPath() + ":"));
  double b_polls = Polls(d, "b");
  EXPECT_TRUE(WaitFor([&] { return Polls(d, "b") >= b_polls + 2; })) << "b stopped being polled";
  EXPECT_THAT(d.Metrics(), Not(HasSubstr("target=\"c\"")));

  // Remove a: its series go away, b stays.
  Rewrite(d, Config(Target("b", b.Port())));
  d.Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    std::string m = d.Metrics();
    return m.find("target=\"a\"") == std::string::npos &&
           d.Value("redis_memwatch_config_last_reload_successful") == 1.0;
  })) << d.Log();
  EXPECT_EQ(d.Value("redis_up{target=\"b\"}"), 1.0);
  EXPECT_TRUE(d.Running());
}

TEST(ReloadTest, AChangedAddressTakesEffect) {
  RedisServer a;
  RedisServer b;
  DaemonProcess d(Config(Target("r", a.Port())));
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"r\"}") == 1.0; })) << d.Log();
  b.Cli({"SET", "only-on-b", "1"});
  Rewrite(d, Config(Target("r", b.Port())));
  d.Signal(SIGHUP);
  EXPECT_TRUE(WaitFor([&] { return d.Value("redis_db_keys{target=\"r\",db=\"db0\"}") == 1.0; }))
      << d.Log();
}

}  // namespace reload_test
}  // namespace memwatch::testing
