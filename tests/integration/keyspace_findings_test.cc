// The culprit named in a finding, end to end and with hostile key names:
// a real Redis whose keys without a TTL are `<script>alert(1)</script>:"q:<n>`,
// the daemon sampling it, and then a volatile-* policy set at run time, so
// that eviction_ineffective fires once the sampler has figures. Its Slack,
// webhook and email messages, the status page and the status API all name
// the prefix, escaped (EscapeKeyName, then each format's own escaping): the
// JSON bodies parse, no raw <script> reaches Slack text or HTML.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <string>

#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"
#include "harness/sanitizers.h"
#include "harness/smtp_receiver.h"
#include "harness/temp_dir.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace keyspace_findings_test {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;
using namespace std::chrono_literals;

// The prefix as EscapeKeyName writes it: the quote gets a backslash.
const std::string kEscapedPrefix = "<script>alert(1)</script>:\\\"q:*";
const std::chrono::milliseconds kDeadline = kSanitized ? 60s : 30s;

// Decodes a quoted-printable body (soft line breaks, =XX); any other `=`
// (in the headers) is kept.
std::string DecodeQuotedPrintable(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out += in[i];
    } else if (in.compare(i + 1, 2, "\r\n") == 0) {
      i += 2;
    } else if (i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

// The first request to `r` whose body mentions `needle`; "" when none.
std::string BodyWith(const HttpReceiver& r, const std::string& needle) {
  for (const HttpReceiver::Request& q : r.Requests()) {
    if (q.body.find(needle) != std::string::npos) return q.body;
  }
  return "";
}

TEST(KeyspaceFindingsTest, EvictionIneffectiveNamesAHostilePrefixEscapedEverywhere) {
  RedisServer redis({"--maxmemory", "200mb", "--maxmemory-policy", "allkeys-lru"});
  redis.Cli({"EVAL",
             "for i = 1, 500 do redis.call('SET', 'cache:user:' .. i, 'v', 'EX', 3600) end "
             "for i = 1, 3000 do redis.call('SET', '<script>alert(1)</script>:\"q:' .. i, 'c') end",
             "0"});
  HttpReceiver slack;
  HttpReceiver hook;
  SmtpReceiver smtp;
  ASSERT_NE(slack.port(), 0) << slack.error();
  ASSERT_NE(hook.port(), 0) << hook.error();
  ASSERT_GT(smtp.port(), 0) << smtp.error();
  TempDir state("memwatch-state");
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 200ms\nstate_dir: " + state.path() +
      "\nkeyspace: {interval: 1s}\n"
      "targets:\n  - name: r\n    address: 127.0.0.1:" +
      std::to_string(redis.Port()) +
      "\nreceivers:\n"
      "  - name: chat\n    type: slack\n    webhook_url: " +
      slack.Url("/slack") + "\n  - name: hook\n    type: webhook\n    url: " + hook.Url() +
      "\n  - name: mail\n    type: email\n    smtp: 127.0.0.1:" + std::to_string(smtp.port()) +
      "\n    tls: none\n    from: redis-memwatch@example.com\n"
      "    to: [ops@example.com]\n");
  const int port = d.WaitForPort();
  ASSERT_NE(port, 0) << d.Log();
  // A complete cycle: its families are on the board for the next poll.
  ASSERT_TRUE(WaitFor(
      [&] { return d.Value("redis_memwatch_keyspace_cycle_seconds{target=\"r\"}").has_value(); },
      kDeadline))
      << d.Log();

  redis.Cli({"CONFIG", "SET", "maxmemory-policy", "volatile-lru"});
  ASSERT_TRUE(WaitFor(
      [&] {
        return !BodyWith(slack, "eviction_ineffective").empty() &&
               !BodyWith(hook, "eviction_ineffective").empty() && !smtp.Messages().empty();
      },
      kDeadline))
      << d.Log();

  // Webhook: valid JSON, the prefix as escaped, in the summary and evidence.
  const Json webhook = Json::parse(BodyWith(hook, "eviction_ineffective"));
  std::string summary;
  for (const Json& a : webhook.at("alerts")) {
    if (a.at("check") == "eviction_ineffective") summary = a.at("summary").get<std::string>();
  }
  EXPECT_THAT(summary,
              HasSubstr("it cannot evict `" + kEscapedPrefix + "` holds about 3,000 keys"));

  // Slack: valid JSON; in its mrkdwn text <, > and & are entities.
  const std::string slack_body = BodyWith(slack, "eviction_ineffective");
  const Json slack_json = Json::parse(slack_body);
  const std::string slack_text = slack_json.dump();
  EXPECT_THAT(slack_text, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;:"));
  EXPECT_THAT(slack_text, Not(HasSubstr("<script>")));

  // Email: the HTML part escapes it; the plain part has it as escaped.
  std::string mail;
  for (const SmtpReceiver::Message& m : smtp.Messages()) {
    const std::string decoded = DecodeQuotedPrintable(m.data);
    if (decoded.find("eviction_ineffective") != std::string::npos) mail = decoded;
  }
  ASSERT_FALSE(mail.empty());
  const size_t html = mail.find("Content-Type: text/html");
  ASSERT_NE(html, std::string::npos);
  EXPECT_THAT(mail.substr(0, html), HasSubstr("`" + kEscapedPrefix + "`"));
  EXPECT_THAT(mail.substr(html), HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;:"));
  EXPECT_THAT(mail.substr(html), Not(HasSubstr("<script>")));

  // Status API and page.
  const std::optional<HttpResponse> api = HttpGet(port, "/api/v1/status");
  ASSERT_TRUE(api.has_value());
  const Json status = Json::parse(api->body);
  EXPECT_THAT(status.dump(), HasSubstr("<script>alert(1)</script>:\\\\\\\"q:*"));
  const std::optional<HttpResponse> page = HttpGet(port, "/");
  ASSERT_TRUE(page.has_value());
  EXPECT_THAT(page->body, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;:"));
  EXPECT_THAT(page->body, Not(HasSubstr("<script>alert")));
}

}  // namespace keyspace_findings_test
}  // namespace memwatch::testing
