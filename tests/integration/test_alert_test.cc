// `redis-memwatch test-alert` with the built binary against real loopback
// receivers: a verdict per receiver, the exit code, and no secret printed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

#include "harness/daemon_process.h"
#include "harness/http_receiver.h"

namespace memwatch::testing {
namespace test_alert_test {

using ::testing::HasSubstr;
using ::testing::Not;

CommandResult TestAlert(const std::string& config, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {MEMWATCH_BINARY, "test-alert", "--config", config};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunCommand(args);
}

std::string WriteConfig(const ScopedTempDir& dir, const std::string& receivers) {
  const std::string path = dir.path() + "/config.yml";
  std::ofstream(path) << "state_dir: " << dir.path() << "/state\n"
                      << "targets:\n  - name: r\n    address: 127.0.0.1:6379\n"
                      << "receivers:\n"
                      << receivers;
  return path;
}

TEST(TestAlertTest, ReportsEachReceiverAndFailsIfAnyFailed) {
  HttpReceiver good;
  HttpReceiver slack({{.status = 403, .body = "invalid_token"}});
  ASSERT_NE(good.port(), 0) << good.error();
  ScopedTempDir dir;
  const std::string secret_path = "/services/T000/B000/XXXXsecretXXXX";
  const std::string config =
      WriteConfig(dir, "  - name: pager\n    type: webhook\n    url: " + good.Url() +
                           "\n"
                           "  - name: oncall\n    type: slack\n    webhook_url: http://127.0.0.1:" +
                           std::to_string(slack.port()) + secret_path +
                           "\n"
                           "  - name: down\n    type: webhook\n    url: http://127.0.0.1:" +
                           std::to_string(ClosedLoopbackPort()) + "/hook\n    timeout: 2s\n");
  CommandResult r = TestAlert(config);
  EXPECT_EQ(r.exit_code, 1) << r.output << r.error;
  EXPECT_THAT(r.output, HasSubstr("pager   delivered"));
  EXPECT_THAT(r.output, HasSubstr("oncall  FAILED"));
  EXPECT_THAT(r.output, HasSubstr("down    FAILED"));
  EXPECT_THAT(r.output, HasSubstr("1 of 3 receiver(s) accepted the test message"));
  EXPECT_THAT(r.output + r.error, Not(HasSubstr("secret")));
  ASSERT_TRUE(good.WaitForRequests(1));
  const nlohmann::json body = nlohmann::json::parse(good.Requests()[0].body);
  EXPECT_EQ(body["test"], true);
  EXPECT_THAT(body["title"].get<std::string>(), HasSubstr("[TEST]"));
}

TEST(TestAlertTest, OneReceiverByNameAndAllDelivered) {
  HttpReceiver good;
  ASSERT_NE(good.port(), 0) << good.error();
  ScopedTempDir dir;
  const std::string config =
      WriteConfig(dir, "  - name: pager\n    type: webhook\n    url: " + good.Url() +
                           "\n  - name: other\n    type: webhook\n    url: http://127.0.0.1:" +
                           std::to_string(ClosedLoopbackPort()) + "/hook\n");
  CommandResult r = TestAlert(config, {"--receiver", "pager"});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.error;
  EXPECT_THAT(r.output, HasSubstr("1 of 1 receiver(s) accepted"));
  CommandResult unknown = TestAlert(config, {"--receiver", "nope"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.error, HasSubstr("no receiver named nope"));
}

}  // namespace test_alert_test
}  // namespace memwatch::testing
