// The status page in a real browser: Debian's headless chromium, driven
// over the DevTools protocol by tests/integration/harness/browser.py, opens
// the page of the built daemon watching a real stock redis-server and a
// Redis that answers INFO with markup in its values. What a person sees is
// read from the rendered DOM after the page has refreshed itself; console
// errors, dialogs and every request the page made are reported too.
// Screenshots at phone width are kept under <build>/test-artifacts/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "harness/child_process.h"
#include "harness/daemon_process.h"
#include "harness/fake_resp_server.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"
#include "harness/temp_dir.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace status_page_browser_test {

using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kChromium[] = "/usr/bin/chromium";
constexpr char kHostile[] = "<script>alert(1)</script><img src=x onerror=alert(2)>";

// INFO whose text values carry markup, as a compromised or odd Redis could.
std::string HostileInfo() {
  return "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nos:" +
         std::string(kHostile) +
         "\r\n\r\n# Clients\r\nconnected_clients:1\r\n\r\n# Memory\r\nused_memory:1000000\r\n"
         "maxmemory:0\r\nmaxmemory_policy:" +
         std::string(kHostile) + "\r\n\r\n# Replication\r\nrole:" + std::string(kHostile) +
         "\r\n\r\n# Keyspace\r\n";
}

struct BrowserResult {
  int exit_code = -1;
  nlohmann::json page;  // browser.py's report
  std::string log;      // its stderr
};

// Opens `url` in chromium at phone width; keeps the screenshot as
// <build>/test-artifacts/<artifact>.png.
BrowserResult Open(const std::string& url, const std::string& artifact) {
  TempDir dir("memwatch-browser");
  const std::string artifacts = std::string(MEMWATCH_ARTIFACTS_DIR);
  std::filesystem::create_directories(artifacts);
  const std::string shot = artifacts + "/" + artifact + ".png";
  ChildProcess browser(
      {.argv = {kPython3,
                std::string(MEMWATCH_SOURCE_DIR) + "/tests/integration/harness/browser.py", "--url",
                url, "--out", dir.File("result.json"), "--screenshot", shot, "--refreshes", "2",
                "--timeout", "40"},
       .stdout_path = dir.File("browser.log"),
       .stderr_path = dir.File("browser.log")});
  BrowserResult r;
  r.exit_code = browser.Wait(std::chrono::seconds(90)).value_or(-1);
  std::ifstream log(dir.File("browser.log"));
  r.log.assign(std::istreambuf_iterator<char>(log), {});
  std::ifstream result(dir.File("result.json"));
  if (result) r.page = nlohmann::json::parse(result, nullptr, /*allow_exceptions=*/false);
  std::cout << "screenshot: " << shot << "\n";
  return r;
}

bool HaveChromium() {
  if (access(kChromium, X_OK) == 0) return true;
  // The test command installs it (scripts/setup.sh): missing there is a failure.
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

class StatusPageBrowserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveChromium())
      GTEST_SKIP() << kChromium << " is not installed (apt-get install chromium)";
  }
};

// Everything the page asked for came from the daemon itself.
void ExpectOnlyTheDaemon(const nlohmann::json& page, int port) {
  const std::string origin = "http://127.0.0.1:" + std::to_string(port) + "/";
  std::vector<std::string> requests = page["requests"].get<std::vector<std::string>>();
  EXPECT_THAT(requests, Not(IsEmpty()));
  EXPECT_THAT(requests, Each(StartsWith(origin)));
}

// A long prefix without a space (three 60-letter segments) that must wrap
// at phone width.
const std::string kLongSegment(60, 'w');

TEST_F(StatusPageBrowserTest, APersonOnAPhoneSeesTheFindingsTheirFixesAndOnlyText) {
  RedisServer stock;
  // Keys for the top prefixes: one named with markup, a quote and a
  // backslash, and one long enough to wrap.
  stock.Cli({"EVAL", "for i = 1, 50 do redis.call('SET', 'coupon:gen:' .. i, 'c') end", "0"});
  stock.Cli({"SET", "\"\\" + std::string(kHostile) + ":1", "x"});
  stock.Cli({"SET", kLongSegment + ":" + kLongSegment + ":" + kLongSegment + ":1", "x"});
  FakeRespServer hostile(FakeRespServer::Behaviour::kRespond, [](const std::vector<std::string>&) {
    return FakeRespServer::Bulk(HostileInfo());
  });
  // A webhook receiver that answers with markup (quoted in the reason).
  HttpReceiver hook({{.status = 500, .body = "<b>down</b>"}, {.status = 200}});
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 500ms\nkeyspace: {interval: 1s}\ntargets:\n"
      "  - name: stock\n    address: 127.0.0.1:" +
      std::to_string(stock.Port()) +
      "\n  - name: odd\n    address: 127.0.0.1:" + std::to_string(hostile.Port()) +
      "\n    keyspace: {enabled: false}\nreceivers:\n  - name: hook\n    type: webhook\n    url: " +
      hook.Url() + "\n");
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] {
    return d.Value("redis_up{target=\"stock\"}") == 1.0 &&
           d.Value("redis_up{target=\"odd\"}") == 1.0;
  })) << d.Log();

  ASSERT_TRUE(WaitFor([&] { return hook.Requests().size() >= 2; }, std::chrono::seconds(20)))
      << d.Log();
  ASSERT_TRUE(WaitFor([&] {
    return d.Value(
               "redis_memwatch_keyspace_prefix_keys{target=\"stock\",prefix=\"coupon:gen:*\"}") ==
           50.0;
  })) << d.Metrics()
      << d.Log();
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/";
  const BrowserResult r = Open(url, "status-page-phone");
  ASSERT_EQ(r.exit_code, 0) << r.log;
  const nlohmann::json& page = r.page;
  ASSERT_TRUE(page.is_object()) << r.log;
  EXPECT_EQ(page["status"], 200);
  EXPECT_TRUE(page["refreshed"].get<bool>()) << "the page did not refresh itself: " << page;
  EXPECT_THAT(page["console"].get<std::vector<std::string>>(), IsEmpty()) << page["console"];
  EXPECT_THAT(page["dialogs"].get<std::vector<std::string>>(), IsEmpty());
  ExpectOnlyTheDaemon(page, port);

  // The rendered text, after the page's own refreshes.
  const std::string text = page["text"].get<std::string>();
  EXPECT_THAT(text, HasSubstr("stock"));
  EXPECT_THAT(text, HasSubstr("maxmemory_unset"));
  EXPECT_THAT(text, HasSubstr("noeviction"));
  EXPECT_THAT(text, HasSubstr("CONFIG SET maxmemory "));
  EXPECT_THAT(text, HasSubstr("CONFIG SET maxmemory-policy allkeys-lru"));
  // Markup from Redis is shown as the characters it is.
  EXPECT_THAT(text, HasSubstr("maxmemory-policy " + std::string(kHostile)));
  // Each receiver with its last notifications and their delivery state.
  EXPECT_THAT(text, HasSubstr("Receivers"));
  EXPECT_THAT(text, HasSubstr("hook"));
  EXPECT_THAT(text, HasSubstr("sent"));
  // The stock Redis's top key prefixes, names as text (as EscapeKeyName
  // writes them), each row stacked under its name; none for "odd", whose
  // sampling is off.
  EXPECT_THAT(text, HasSubstr("Top key prefixes"));
  EXPECT_THAT(text, HasSubstr("coupon:gen:*"));
  EXPECT_THAT(text, HasSubstr("\\\"\\\\" + std::string(kHostile) + ":*"));
  EXPECT_THAT(text, HasSubstr(kLongSegment + ":" + kLongSegment + ":" + kLongSegment + ":*"));
  EXPECT_EQ(text.find("Top key prefixes"), text.rfind("Top key prefixes"));
  // At phone width nothing scrolls sideways.
  EXPECT_EQ(page["viewport_width"], 390);
  EXPECT_LE(page["scroll_width"].get<int>(), page["viewport_width"].get<int>());
}

TEST_F(StatusPageBrowserTest, ATargetsOwnPageShowsEvidenceAndPollErrorsAsText) {
  RedisServer stock;
  // Refuses every INFO with an error whose text is markup: the poll error
  // is listed on the target's page.
  FakeRespServer refusing(FakeRespServer::Behaviour::kRespond, [](const std::vector<std::string>&) {
    return FakeRespServer::Error(std::string("ERR ") + kHostile);
  });
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 500ms\ntargets:\n"
      "  - name: stock\n    address: 127.0.0.1:" +
      std::to_string(stock.Port()) +
      "\n  - name: refusing\n    address: 127.0.0.1:" + std::to_string(refusing.Port()) + "\n");
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] {
    return d.Value("redis_up{target=\"stock\"}") == 1.0 &&
           d.Value("redis_up{target=\"refusing\"}") == 0.0;
  })) << d.Log();

  for (const std::string target : {"stock", "refusing"}) {
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/targets/" + target;
    const BrowserResult r = Open(url, "target-page-" + target);
    ASSERT_EQ(r.exit_code, 0) << r.log;
    const nlohmann::json& page = r.page;
    EXPECT_EQ(page["status"], 200) << target;
    EXPECT_THAT(page["console"].get<std::vector<std::string>>(), IsEmpty()) << page["console"];
    EXPECT_THAT(page["dialogs"].get<std::vector<std::string>>(), IsEmpty());
    ExpectOnlyTheDaemon(page, port);
    EXPECT_LE(page["scroll_width"].get<int>(), page["viewport_width"].get<int>()) << target;
    const std::string text = page["text"].get<std::string>();
    if (target == "stock") {
      EXPECT_THAT(text, HasSubstr("maxmemory_policy\tnoeviction"));  // the evidence table
    } else {
      EXPECT_THAT(text, HasSubstr("Recent poll errors"));
      EXPECT_THAT(text, HasSubstr(kHostile));
    }
  }
}

}  // namespace status_page_browser_test
}  // namespace memwatch::testing
