// Every mistake in `receivers:` reported as FILE:LINE:COLUMN: KEY: message,
// all at once and without ever quoting a secret. Expected strings are
// complete on purpose: they are the text an operator reads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace receivers_errors_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testutil::AllErrors;
using testutil::FakeEnv;
using testutil::kTarget;
using testutil::Load;
using testutil::OnlyError;
using testutil::Receivers;
using testutil::TempDir;

std::vector<std::string> Strings(const LoadResult& r) {
  std::vector<std::string> out;
  for (const ConfigError& e : r.errors) out.push_back(e.ToString());
  return out;
}

// ---- Structure -------------------------------------------------------------

TEST(ReceiversErrorsTest, NotAList) {
  EXPECT_EQ(OnlyError(Load(Receivers("  name: oncall\n  type: slack\n"))),
            "memwatch.yaml:5:3: receivers: expected a list (- item), found a mapping");
}

TEST(ReceiversErrorsTest, ReceiverThatIsNotAMapping) {
  EXPECT_EQ(OnlyError(Load(Receivers("  - oncall\n"))),
            "memwatch.yaml:5:5: receivers[0]: expected a mapping (key: value), found a single "
            "value");
}

TEST(ReceiversErrorsTest, MissingNameAndType) {
  const LoadResult r = Load(Receivers("  - min_severity: info\n"));
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:5:5: receivers[0].name: missing; every receiver needs a "
                          "unique name such as oncall",
                          "memwatch.yaml:5:5: receivers[0].type: missing; expected slack, email, "
                          "webhook or alertmanager"));
}

TEST(ReceiversErrorsTest, UnknownType) {
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: oncall\n    type: slak\n"))),
            "memwatch.yaml:6:11: receivers[0].type: unknown receiver type 'slak'; did you mean "
            "'slack'?");
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: oncall\n    type: pagerduty\n"))),
            "memwatch.yaml:6:11: receivers[0].type: unknown receiver type 'pagerduty'; expected "
            "one of: slack, email, webhook, alertmanager");
}

TEST(ReceiversErrorsTest, BadName) {
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: on call\n"
                                     "    type: alertmanager\n"
                                     "    urls: http://am:9093\n"))),
            "memwatch.yaml:5:11: receivers[0].name: expected a name of letters, digits, '_', '.', "
            "':' and '-' (it becomes a Prometheus label value), got 'on call'");
}

TEST(ReceiversErrorsTest, DuplicateNameMentionsTheFirstLine) {
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: am\n"
                                     "    type: alertmanager\n"
                                     "    urls: http://am:9093\n"
                                     "  - name: am\n"
                                     "    type: alertmanager\n"
                                     "    urls: http://am2:9093\n"))),
            "memwatch.yaml:8:11: receivers[1].name: duplicate receiver name 'am'; the first "
            "receiver with this name is at line 5");
}

// ---- Keys and types --------------------------------------------------------

TEST(ReceiversErrorsTest, KeyOfAnotherType) {
  const LoadResult r =
      Load(Receivers("  - name: ops-mail\n"
                     "    webhook_url: https://hooks.slack.com/x\n"
                     "    type: email\n"
                     "    smtp: smtp.example.com:587\n"
                     "    from: a@example.com\n"
                     "    to: b@example.com\n"
                     "    urls: [http://am:9093]\n"));
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:6:5: receivers[0].webhook_url: webhook_url is not a key "
                          "of an email receiver; only slack receivers take it",
                          "memwatch.yaml:11:5: receivers[0].urls: urls is not a key of an email "
                          "receiver; only alertmanager receivers take it"));
}

TEST(ReceiversErrorsTest, UnknownKeySuggestsAKeyOfTheType) {
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: oncall\n"
                                     "    type: slack\n"
                                     "    webhook_url: https://hooks.slack.com/x\n"
                                     "    min_severty: critical\n"))),
            "memwatch.yaml:8:5: receivers[0].min_severty: unknown key 'min_severty'; did you "
            "mean 'min_severity'?");
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: pager\n"
                                     "    type: webhook\n"
                                     "    url: https://hooks.example.com/x\n"
                                     "    header: {X-A: b}\n"))),
            "memwatch.yaml:8:5: receivers[0].header: unknown key 'header'; did you mean "
            "'headers'?");
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: am\n"
                                     "    type: alertmanager\n"
                                     "    urls: [http://am:9093]\n"
                                     "    channel: '#ops'\n"))),
            "memwatch.yaml:8:5: receivers[0].channel: unknown key 'channel'; expected one of: "
            "name, type, min_severity, targets, checks, repeat_interval, send_resolved, timeout, "
            "urls");
}

TEST(ReceiversErrorsTest, WithoutATypeEveryKeyIsKnown) {
  const LoadResult r =
      Load(Receivers("  - name: x\n"
                     "    smtp: smtp.example.com:587\n"
                     "    webhok_url: https://hooks.slack.com/x\n"));
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:5:5: receivers[0].type: missing; expected slack, email, "
                          "webhook or alertmanager",
                          "memwatch.yaml:7:5: receivers[0].webhok_url: unknown key 'webhok_url'; "
                          "did you mean 'webhook_url'?"));
}

TEST(ReceiversErrorsTest, CommonValues) {
  const LoadResult r =
      Load(Receivers("  - name: oncall\n"
                     "    type: slack\n"
                     "    webhook_url: https://hooks.slack.com/x\n"
                     "    min_severity: error\n"
                     "    repeat_interval: 0s\n"
                     "    send_resolved: maybe\n"
                     "    timeout: 10\n"
                     "    checks: [oom_rejection, memory_high]\n"));
  EXPECT_THAT(
      Strings(r),
      ElementsAre("memwatch.yaml:8:19: receivers[0].min_severity: expected info, warning or "
                  "critical, got 'error'",
                  "memwatch.yaml:9:22: receivers[0].repeat_interval: expected a duration greater "
                  "than 0, got '0s'",
                  "memwatch.yaml:10:20: receivers[0].send_resolved: expected true or false, got "
                  "'maybe'",
                  "memwatch.yaml:11:14: receivers[0].timeout: '10' has no unit; write 10s or 10ms",
                  "memwatch.yaml:12:14: receivers[0].checks[0]: unknown check 'oom_rejection'; "
                  "did you mean 'oom_rejections'?"));
}

TEST(ReceiversErrorsTest, TargetsFilterNamesConfiguredTargets) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: coupon-redis\n"
      "    address: h:1\n"
      "  - name: sessions\n"
      "    address: h:2\n"
      "receivers:\n"
      "  - name: oncall\n"
      "    type: alertmanager\n"
      "    urls: http://am:9093\n"
      "    targets: [coupon-rdis, sessions, cache]\n");
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:10:15: receivers[0].targets[0]: unknown target "
                          "'coupon-rdis'; did you mean 'coupon-redis'?",
                          "memwatch.yaml:10:38: receivers[0].targets[2]: unknown target 'cache'; "
                          "expected one of: coupon-redis, sessions"));
}

// ---- slack -----------------------------------------------------------------

TEST(SlackReceiverErrorsTest, NeedsExactlyOneUrl) {
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: oncall\n    type: slack\n"))),
            "memwatch.yaml:5:5: receivers[0].webhook_url: missing; a slack receiver needs "
            "webhook_url (or webhook_url_file), the incoming-webhook URL");
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: oncall\n"
                                     "    type: slack\n"
                                     "    webhook_url: https://hooks.slack.com/x\n"
                                     "    webhook_url_file: /etc/redis-memwatch/slack.url\n"))),
            "memwatch.yaml:8:23: receivers[0].webhook_url_file: webhook_url and webhook_url_file "
            "are mutually exclusive; keep one");
}

TEST(SlackReceiverErrorsTest, InvalidUrls) {
  const LoadResult r =
      Load(Receivers("  - name: a\n"
                     "    type: slack\n"
                     "    webhook_url: hooks.slack.com/services/T0/B0/xyz\n"
                     "  - name: b\n"
                     "    type: slack\n"
                     "    webhook_url: https:///services/T0/B0/xyz\n"
                     "  - name: c\n"
                     "    type: slack\n"
                     "    webhook_url: https://hooks.slack.com:99999/x\n"
                     "  - name: d\n"
                     "    type: slack\n"
                     "    webhook_url: \"https://hooks.slack.com/x y\"\n"
                     "  - name: e\n"
                     "    type: slack\n"
                     "    webhook_url: https://[::1/x\n"
                     "  - name: f\n"
                     "    type: slack\n"
                     "    webhook_url: http://hooks slack.com/x\n"));
  EXPECT_THAT(
      Strings(r),
      ElementsAre(
          "memwatch.yaml:7:18: receivers[0].webhook_url: expected an http:// or https:// URL",
          "memwatch.yaml:10:18: receivers[1].webhook_url: the URL has no host name after "
          "http(s)://",
          "memwatch.yaml:13:18: receivers[2].webhook_url: the URL's port is not a number between "
          "1 and 65535",
          "memwatch.yaml:16:18: receivers[3].webhook_url: the URL contains spaces, control "
          "characters or non-ASCII characters; percent-encode them",
          "memwatch.yaml:19:18: receivers[4].webhook_url: the '[' of an IPv6 address in the URL "
          "is not closed by ']'",
          "memwatch.yaml:22:18: receivers[5].webhook_url: the URL contains spaces, control "
          "characters or non-ASCII characters; percent-encode them"));
}

TEST(SlackReceiverErrorsTest, WebhookUrlFileProblems) {
  TempDir dir;
  dir.Write("empty.url", "\n");
  dir.Write("bad.url", "hooks.slack.com/services/T0/B0/filesecret\n");
  const LoadResult r = LoadConfigText(Receivers("  - name: a\n"
                                                "    type: slack\n"
                                                "    webhook_url_file: missing.url\n"
                                                "  - name: b\n"
                                                "    type: slack\n"
                                                "    webhook_url_file: empty.url\n"
                                                "  - name: c\n"
                                                "    type: slack\n"
                                                "    webhook_url_file: bad.url\n"),
                                      dir.path() + "/memwatch.yaml", FakeEnv());
  const std::string file = dir.path() + "/memwatch.yaml";
  EXPECT_THAT(Strings(r),
              ElementsAre(file + ":7:23: receivers[0].webhook_url_file: cannot read '" +
                              dir.path() + "/missing.url': No such file or directory",
                          file + ":10:23: receivers[1].webhook_url_file: '" + dir.path() +
                              "/empty.url' is empty; expected a webhook URL",
                          file + ":13:23: receivers[2].webhook_url_file: the content of '" +
                              dir.path() + "/bad.url': expected an http:// or https:// URL"));
}

// ---- email -----------------------------------------------------------------

TEST(EmailReceiverErrorsTest, RequiredKeys) {
  const LoadResult r = Load(Receivers("  - name: ops-mail\n    type: email\n"));
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:5:5: receivers[0].smtp: missing; an email receiver "
                          "needs smtp: host:port, e.g. smtp.example.com:587",
                          "memwatch.yaml:5:5: receivers[0].from: missing; an email receiver needs "
                          "from: the sender address, e.g. redis-memwatch@example.com",
                          "memwatch.yaml:5:5: receivers[0].to: missing; an email receiver needs "
                          "to: one or more addresses"));
}

// An email receiver whose other keys are valid, followed by `extra`.
std::string Email(std::string_view extra) {
  return Receivers(
      "  - name: ops-mail\n"
      "    type: email\n"
      "    from: memwatch@example.com\n"
      "    to: ops@example.com\n" +
      std::string(extra));
}

TEST(EmailReceiverErrorsTest, Server) {
  EXPECT_EQ(OnlyError(Load(Email("    smtp: smtp.example.com\n"))),
            "memwatch.yaml:9:11: receivers[0].smtp: the port is missing: write "
            "smtp.example.com:587");
  EXPECT_EQ(OnlyError(Load(Email("    smtp: 2001:db8::25:587\n"))),
            "memwatch.yaml:9:11: receivers[0].smtp: an IPv6 address needs brackets, e.g. "
            "[::1]:6379");
  EXPECT_EQ(OnlyError(Load(Email("    smtp: smtp.example.com:587\n    tls: ssl\n"))),
            "memwatch.yaml:10:10: receivers[0].tls: expected starttls (STARTTLS on port 587), tls "
            "(implicit TLS, port 465) or none, got 'ssl'");
}

TEST(EmailReceiverErrorsTest, PlainSmtpWithAPasswordToARemoteServer) {
  EXPECT_EQ(OnlyError(Load(Email("    smtp: smtp.example.com:25\n"
                                 "    tls: none\n"
                                 "    username: memwatch\n"
                                 "    password: hunter2\n"))),
            "memwatch.yaml:10:10: receivers[0].tls: tls: none would send the SMTP password in "
            "clear to smtp.example.com; use starttls or tls (plain SMTP with a password is "
            "allowed only to localhost)");
}

TEST(EmailReceiverErrorsTest, Credentials) {
  EXPECT_EQ(OnlyError(Load(Email("    smtp: smtp.example.com:587\n"
                                 "    password: hunter2\n"))),
            "memwatch.yaml:10:15: receivers[0].password: a password needs a user name: set "
            "username");
  EXPECT_EQ(OnlyError(Load(Email("    smtp: smtp.example.com:587\n"
                                 "    username: memwatch\n"))),
            "memwatch.yaml:10:15: receivers[0].username: a user name needs a password: set "
            "password or password_file");
  EXPECT_EQ(OnlyError(Load(Email("    smtp: smtp.example.com:587\n"
                                 "    username: memwatch\n"
                                 "    password: hunter2\n"
                                 "    password_file: /etc/redis-memwatch/smtp.pass\n"))),
            "memwatch.yaml:12:20: receivers[0].password_file: password and password_file are "
            "mutually exclusive; keep one");
  TempDir dir;
  EXPECT_EQ(OnlyError(Load(Email("    smtp: smtp.example.com:587\n"
                                 "    username: memwatch\n"
                                 "    password_file: " +
                                 dir.path() + "/nope\n"))),
            "memwatch.yaml:11:20: receivers[0].password_file: cannot read '" + dir.path() +
                "/nope': No such file or directory");
}

TEST(EmailReceiverErrorsTest, CaFileMustBeReadable) {
  TempDir dir;
  EXPECT_EQ(OnlyError(Load(Email("    smtp: smtp.example.com:587\n"
                                 "    ca_file: " +
                                 dir.path() + "/ca.pem\n"))),
            "memwatch.yaml:10:14: receivers[0].ca_file: cannot read '" + dir.path() +
                "/ca.pem': No such file or directory");
}

TEST(EmailReceiverErrorsTest, Addresses) {
  const LoadResult r =
      Load(Receivers("  - name: ops-mail\n"
                     "    type: email\n"
                     "    smtp: smtp.example.com:587\n"
                     "    from: Redis Memwatch <memwatch@example.com>\n"
                     "    to: [ops@example.com, \"a@example.com, b@example.com\", "
                     "ops, a@b@c]\n"
                     "  - name: other\n"
                     "    type: email\n"
                     "    smtp: smtp.example.com:587\n"
                     "    from: memwatch@example.com\n"
                     "    to: []\n"));
  EXPECT_THAT(
      Strings(r),
      ElementsAre("memwatch.yaml:8:11: receivers[0].from: expected a bare address such as "
                  "ops@example.com, without a display name, quotes or <>, got 'Redis Memwatch "
                  "<memwatch@example.com>'",
                  "memwatch.yaml:9:27: receivers[0].to[1]: 'a@example.com, b@example.com' holds "
                  "several addresses; write one per list item: [a@example.com, b@example.com]",
                  "memwatch.yaml:9:59: receivers[0].to[2]: expected an address such as "
                  "ops@example.com, got 'ops'",
                  "memwatch.yaml:9:64: receivers[0].to[3]: expected an address such as "
                  "ops@example.com, got 'a@b@c'",
                  "memwatch.yaml:14:9: receivers[1].to: expected at least one address"));
}

// ---- webhook ---------------------------------------------------------------

TEST(WebhookReceiverErrorsTest, NeedsAUrl) {
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: pager\n    type: webhook\n"))),
            "memwatch.yaml:5:5: receivers[0].url: missing; a webhook receiver needs url: an "
            "http:// or https:// URL");
}

TEST(WebhookReceiverErrorsTest, Headers) {
  const LoadResult r =
      Load(Receivers("  - name: pager\n"
                     "    type: webhook\n"
                     "    url: https://hooks.example.com/x\n"
                     "    headers:\n"
                     "      X Token: abc\n"
                     "      Authorization: \"Bearer tok\\r\\nX-Evil: 1\"\n"
                     "      authorization: again\n"
                     "      X-Ok: fine\n"
                     "      \"X:Colon\": v\n"));
  EXPECT_THAT(
      Strings(r),
      ElementsAre("memwatch.yaml:9:7: receivers[0].headers.X Token: a header name cannot contain "
                  "spaces or control characters: use letters, digits and !#$%&'*+-.^_`|~ only (no "
                  "spaces, colons or line breaks), e.g. Authorization",
                  "memwatch.yaml:10:22: receivers[0].headers.Authorization: a header value cannot "
                  "contain line breaks",
                  "memwatch.yaml:11:7: receivers[0].headers.authorization: repeated header; it is "
                  "already set at line 10 (header names ignore case)",
                  "memwatch.yaml:13:7: receivers[0].headers.X:Colon: 'X:Colon' is not a header "
                  "name: use letters, digits and !#$%&'*+-.^_`|~ only (no spaces, colons or line "
                  "breaks), e.g. Authorization"));
}

TEST(WebhookReceiverErrorsTest, HeadersMustBeAMapping) {
  EXPECT_EQ(OnlyError(Load(Receivers("  - name: pager\n"
                                     "    type: webhook\n"
                                     "    url: https://hooks.example.com/x\n"
                                     "    headers: [\"Authorization: Bearer tok\"]\n"))),
            "memwatch.yaml:8:14: receivers[0].headers: expected a mapping (key: value), found a "
            "list");
}

// ---- alertmanager ----------------------------------------------------------

TEST(AlertmanagerReceiverErrorsTest, Urls) {
  const LoadResult r =
      Load(Receivers("  - name: am\n"
                     "    type: alertmanager\n"
                     "  - name: am2\n"
                     "    type: alertmanager\n"
                     "    urls: []\n"
                     "  - name: am3\n"
                     "    type: alertmanager\n"
                     "    urls: [http://am:9093, am:9093, "
                     "'http://am:9093/api/v2/alerts?x=1']\n"
                     "  - name: am4\n"
                     "    type: alertmanager\n"
                     "    urls: {a: http://am:9093}\n"));
  EXPECT_THAT(
      Strings(r),
      ElementsAre("memwatch.yaml:5:5: receivers[0].urls: missing; an alertmanager receiver needs "
                  "urls: one or more base URLs such as http://127.0.0.1:9093",
                  "memwatch.yaml:9:11: receivers[1].urls: expected at least one Alertmanager URL",
                  "memwatch.yaml:12:28: receivers[2].urls[1]: expected an http:// or https:// URL",
                  "memwatch.yaml:12:37: receivers[2].urls[2]: an Alertmanager URL is a base such "
                  "as http://127.0.0.1:9093, with no query or fragment: /api/v2/alerts is "
                  "appended to it",
                  "memwatch.yaml:15:11: receivers[3].urls: expected a URL such as "
                  "http://127.0.0.1:9093, or a list of them, found a mapping"));
}

// ---- All at once, and never a secret ---------------------------------------

TEST(ReceiversErrorsTest, SeveralBadReceiversAreReportedTogether) {
  const LoadResult r =
      Load(Receivers("  - name: a\n"
                     "    type: slack\n"
                     "  - name: b\n"
                     "    type: email\n"
                     "    smtp: smtp.example.com:587\n"
                     "    from: memwatch@example.com\n"
                     "  - name: c\n"
                     "    type: webhok\n"
                     "  - type: alertmanager\n"
                     "    urls: http://am:9093\n"));
  EXPECT_THAT(Strings(r),
              ElementsAre("memwatch.yaml:5:5: receivers[0].webhook_url: missing; a slack receiver "
                          "needs webhook_url (or webhook_url_file), the incoming-webhook URL",
                          "memwatch.yaml:7:5: receivers[1].to: missing; an email receiver needs "
                          "to: one or more addresses",
                          "memwatch.yaml:12:11: receivers[2].type: unknown receiver type "
                          "'webhok'; did you mean 'webhook'?",
                          "memwatch.yaml:13:5: receivers[3].name: missing; every receiver needs a "
                          "unique name such as oncall"));
  EXPECT_FALSE(r.config.has_value());
}

TEST(ReceiversErrorsTest, SecretsNeverAppearInErrors) {
  TempDir dir;
  const std::string bad_url_file = dir.Write("bad.url", "ftp://hooks.example.com/filesecret\n");
  const LoadResult r =
      Load(Receivers("  - name: a\n"
                     "    type: slack\n"
                     "    webhook_url: hooks.slack.com/services/T0/B0/slacksecret\n"
                     "  - name: b\n"
                     "    type: slack\n"
                     "    webhook_url: https://hooks.slack.com:7x/services/slacksecret\n"
                     "  - name: c\n"
                     "    type: slack\n"
                     "    webhook_url_file: " +
                     bad_url_file +
                     "\n"
                     "  - name: d\n"
                     "    type: webhook\n"
                     "    url: \"https://hooks example.com/${TOKEN}\"\n"
                     "    headers:\n"
                     "      Authorization: \"Bearer headersecret\\n\"\n"
                     "  - name: e\n"
                     "    type: alertmanager\n"
                     "    urls: [\"http://user:amsecret@am:0\", \"amsecret@am:9093\"]\n"
                     "  - name: f\n"
                     "    type: email\n"
                     "    smtp: smtp.example.com:587\n"
                     "    tls: none\n"
                     "    username: u\n"
                     "    password: mailsecret\n"
                     "    from: nobody\n"
                     "    to: ops@example.com\n"
                     "  - name: g\n"
                     "    type: email\n"
                     "    smtp: smtp.example.com:587\n"
                     "    password: \"unclosed-mailsecret\n"),
           FakeEnv({{"TOKEN", "envsecret"}}));
  ASSERT_EQ(r.errors.size(), 13u) << AllErrors(r);
  for (const ConfigError& e : r.errors) {
    for (std::string_view secret :
         {"slacksecret", "filesecret", "envsecret", "headersecret", "amsecret", "mailsecret"}) {
      EXPECT_THAT(e.ToString(), Not(HasSubstr(secret)));
    }
  }
}

}  // namespace receivers_errors_test
}  // namespace memwatch::config
