#include "doctor/keyspace_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "doctor/report.h"
#include "keyspace/prefix.h"

namespace memwatch::doctor {
namespace keyspace_report_test {

using keyspace::KeyspaceSummary;
using keyspace::PrefixSummary;
using ::testing::HasSubstr;
using ::testing::Not;

PrefixSummary Prefix(std::string prefix, uint64_t keys, uint64_t without_ttl, uint64_t bytes,
                     uint64_t total) {
  PrefixSummary p;
  p.prefix = std::move(prefix);
  p.sampled = keys / 10;
  p.keys = {keys, keys - keys / 40, keys + keys / 40};
  p.keys_without_ttl = {without_ttl, without_ttl - without_ttl / 40,
                        without_ttl + without_ttl / 40};
  p.bytes = bytes;
  p.bytes_samples = keys / 100;
  p.share = static_cast<double>(keys) / static_cast<double>(total);
  p.dominant_type = "string";
  return p;
}

// The incident of issue 16: 200,000 cache:user:* keys with a TTL, 50,000
// coupon:gen:* keys without one, growing, under volatile-lru.
KeyspaceSummary Incident() {
  KeyspaceSummary s;
  s.total_keys = 250'000;
  s.sampled_keys = 20'000;
  s.complete = false;
  s.seconds = 10;
  PrefixSummary cache = Prefix("cache:user:*", 200'000, 0, 180 << 20, s.total_keys);
  PrefixSummary coupon = Prefix("coupon:gen:*", 50'000, 50'000, 60 << 20, s.total_keys);
  coupon.keys_growth_per_hour = 360;
  coupon.bytes_growth_per_hour = 1.2 * 1024 * 1024;
  s.by_bytes = {cache, coupon};
  s.by_no_ttl = {coupon};
  return s;
}

KeyspaceContext VolatileLru() {
  KeyspaceContext c;
  c.maxmemory_policy = "volatile-lru";
  c.limit_set = true;
  c.scan = {10.0, 21'000, true};
  return c;
}

// Every line's width in code points.
void ExpectAtMost100Columns(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    size_t columns = 0;
    for (char c : line) columns += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    EXPECT_LE(columns, 100u) << line;
    start = end + 1;
  }
}

// The text with advice lines joined again where Bullet wrapped them.
std::string Unwrapped(std::string text) {
  for (size_t at = text.find("\n    "); at != std::string::npos; at = text.find("\n    ", at)) {
    text.replace(at, 5, " ");
  }
  return text;
}

TEST(KeyspaceReportTest, IncidentNamesTheCouponPrefixAndTheEvictionTrap) {
  const std::string wrapped = FormatKeyspaceText(Incident(), VolatileLru());
  ExpectAtMost100Columns(wrapped);
  const std::string text = Unwrapped(wrapped);
  EXPECT_THAT(text,
              HasSubstr("  Keyspace: 20,000 of 250,000 keys sampled in 10.0 s (8%), stopped at "
                        "--scan-time\n"));
  EXPECT_THAT(text, HasSubstr("coupon:gen:* — 50,000 keys (20%), none with a TTL, grows by 360 "
                              "keys an hour, about 1.2 MiB an hour: the job writing these keys"));
  EXPECT_THAT(text, HasSubstr("needs an expiry (SET ... EX), or they stay until deleted."));
  EXPECT_THAT(text, HasSubstr("maxmemory-policy volatile-lru evicts only keys with a TTL: "
                              "coupon:gen:* (50,000 keys, 20% of all keys) can never be evicted"));
  EXPECT_THAT(text, HasSubstr("(eviction_ineffective)"));
  EXPECT_THAT(text, HasSubstr("± is the 95% interval"));
  // The table: prefix, keys with their interval, share, no-TTL share, bytes, type.
  EXPECT_THAT(text, HasSubstr("  cache:user:*            200,000 ± 5,000    80%      0%"));
  EXPECT_THAT(text, HasSubstr("180 MiB  string"));
  // cache:user:* has TTLs: no advice of its own.
  EXPECT_THAT(text, Not(HasSubstr("cache:user:* —")));
}

TEST(KeyspaceReportTest, GoldenTextOfTheIncident) {
  const std::string expected =
      R"(  Keyspace: 20,000 of 250,000 keys sampled in 10.0 s (8%), stopped at --scan-time

  top prefixes by memory        est. keys  share  no TTL  est. bytes  type
  cache:user:*            200,000 ± 5,000    80%      0%     180 MiB  string
  coupon:gen:*             50,000 ± 1,250    20%    100%      60 MiB  string

  top prefixes by keys without TTL  est. keys without TTL  of its keys  est. bytes  keys/hour
  coupon:gen:*                             50,000 ± 1,250         100%      60 MiB       +360

  - coupon:gen:* — 50,000 keys (20%), none with a TTL, grows by 360 keys an hour, about 1.2 MiB an
    hour: the job writing these keys needs an expiry (SET ... EX), or they stay until deleted.
  - maxmemory-policy volatile-lru evicts only keys with a TTL: coupon:gen:* (50,000 keys, 20% of all
    keys) can never be evicted. Once the keys with a TTL are gone, writes are refused although
    eviction is on (eviction_ineffective): give these keys a TTL, or use an allkeys-* policy.
  - Figures are estimates from a sample of 20,000 keys: ± is the 95% interval of a count (the true
    count lies within it 19 times out of 20); bytes extrapolate MEMORY USAGE of the keys sampled for
    them.
)";
  EXPECT_EQ(FormatKeyspaceText(Incident(), VolatileLru()), expected);
}

TEST(KeyspaceReportTest, NoevictionWarnsThatWritesWillBeRefused) {
  KeyspaceContext c = VolatileLru();
  c.maxmemory_policy = "noeviction";
  const std::string text = Unwrapped(FormatKeyspaceText(Incident(), c));
  EXPECT_THAT(text, HasSubstr("noeviction evicts nothing"));
  EXPECT_THAT(text, HasSubstr("writes are refused (OOM command not allowed)"));
  EXPECT_THAT(text, Not(HasSubstr("eviction_ineffective")));
  c.limit_set = false;
  EXPECT_THAT(Unwrapped(FormatKeyspaceText(Incident(), c)), HasSubstr("with no maxmemory set"));
  c.maxmemory_policy = "allkeys-lru";
  EXPECT_THAT(FormatKeyspaceText(Incident(), c), Not(HasSubstr("maxmemory-policy")));
}

TEST(KeyspaceReportTest, AFullCycleSaysSoAndHasNoMargin) {
  KeyspaceSummary s = Incident();
  s.complete = true;
  s.sampled_keys = 250'000;
  for (auto* list : {&s.by_bytes, &s.by_no_ttl}) {
    for (PrefixSummary& p : *list) {
      p.keys.low = p.keys.high = p.keys.value;
      p.keys_without_ttl.low = p.keys_without_ttl.high = p.keys_without_ttl.value;
    }
  }
  const std::string text = FormatKeyspaceText(s, VolatileLru());
  EXPECT_THAT(text,
              HasSubstr("Keyspace: 250,000 of 250,000 keys sampled in 10.0 s (full cycle)\n"));
  EXPECT_THAT(text, Not(HasSubstr("±")));
  EXPECT_THAT(text, HasSubstr("Counts come from one full SCAN cycle"));
}

TEST(KeyspaceReportTest, JsonHasEveryField) {
  KeyspaceSummary s = Incident();
  PrefixSummary other;
  other.other = true;
  other.keys = {10, 5, 15};
  s.by_bytes.push_back(other);
  const nlohmann::json j = nlohmann::json::parse(KeyspaceJson(s, VolatileLru()).dump());
  EXPECT_EQ(j["total_keys"], 250'000);
  EXPECT_EQ(j["sampled_keys"], 20'000);
  EXPECT_EQ(j["complete"], false);
  EXPECT_EQ(j["seconds"], 10.0);
  EXPECT_EQ(j["scan"]["cut_short"], true);
  EXPECT_EQ(j["scan"]["keys_scanned"], 21'000);
  ASSERT_EQ(j["by_bytes"].size(), 3u);
  const auto& coupon = j["by_no_ttl"][0];
  EXPECT_EQ(coupon["prefix"], "coupon:gen:*");
  EXPECT_EQ(coupon["other"], false);
  EXPECT_EQ(coupon["keys"]["value"], 50'000);
  EXPECT_EQ(coupon["keys"]["low"], 48'750);
  EXPECT_EQ(coupon["keys"]["high"], 51'250);
  EXPECT_EQ(coupon["keys_without_ttl"]["value"], 50'000);
  EXPECT_EQ(coupon["bytes"], 60 << 20);
  EXPECT_EQ(coupon["bytes_samples"], 500);
  EXPECT_DOUBLE_EQ(coupon["share"].get<double>(), 0.2);
  EXPECT_EQ(coupon["dominant_type"], "string");
  EXPECT_EQ(coupon["keys_growth_per_hour"], 360.0);
  EXPECT_TRUE(j["by_bytes"][0]["keys_growth_per_hour"].is_null());
  EXPECT_TRUE(j["by_bytes"][2]["bytes"].is_null());
  EXPECT_EQ(j["by_bytes"][2]["other"], true);
  EXPECT_EQ(j["by_bytes"][2]["prefix"], "");
  EXPECT_EQ(KeyspaceSkippedJson("--no-scan"), (nlohmann::json{{"skipped", "--no-scan"}}));
}

TEST(KeyspaceReportTest, HostilePrefixesComeOutEscapedAndTheTablesStayNarrow) {
  KeyspaceSummary s = Incident();
  const std::vector<std::string> hostile = {"evil\nline:*", "<script>alert(1)</script>:*",
                                            "say \"hi\":*", std::string(10'000, 'k'),
                                            std::string("bin\x00\xff\x1b[31m:*", 12)};
  for (const std::string& name : hostile) {
    PrefixSummary p = Prefix(name, 20'000, 20'000, 1 << 20, s.total_keys);
    s.by_bytes.push_back(p);
    s.by_no_ttl.push_back(p);
  }
  const std::string text = FormatKeyspaceText(s, VolatileLru());
  ExpectAtMost100Columns(text);
  EXPECT_THAT(text, HasSubstr("evil\\x0aline:*"));
  EXPECT_THAT(text, HasSubstr("say \\\"hi\\\":*"));
  EXPECT_THAT(text, HasSubstr("bin\\x00\\xff\\x1b[31m:*"));
  EXPECT_THAT(text, Not(HasSubstr(std::string(200, 'k'))));
  EXPECT_THAT(text, Not(HasSubstr("evil\nline")));
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    EXPECT_TRUE(c == '\n' || (u >= 0x20 && u != 0x7f)) << static_cast<int>(u);
  }
  const std::string json = KeyspaceJson(s, VolatileLru()).dump();  // throws on bad UTF-8
  const nlohmann::json j = nlohmann::json::parse(json);
  EXPECT_EQ(j["by_bytes"][2]["prefix"], "evil\\x0aline:*");
  EXPECT_EQ(j["by_bytes"][3]["prefix"], "<script>alert(1)</script>:*");  // JSON, not HTML
  EXPECT_LE(j["by_bytes"][5]["prefix"].get<std::string>().size(), keyspace::kMaxEscapedKeyBytes);
}

TEST(KeyspaceReportTest, WithoutMemoryUsageSamplesTheTableIsByKeys) {
  KeyspaceSummary s = Incident();
  for (PrefixSummary& p : s.by_bytes) p.bytes.reset();
  const std::string text = FormatKeyspaceText(s, VolatileLru());
  EXPECT_THAT(text, HasSubstr("\n  top prefixes by keys   "));
  EXPECT_THAT(text, HasSubstr("    80%      0%           -  string\n"));
}

TEST(KeyspaceReportTest, SkippedSaysWhyEscapedAndWrapped) {
  EXPECT_EQ(FormatKeyspaceSkippedText("a replica"), "  Keyspace: not scanned: a replica\n");
  const std::string long_error =
      "ERR \"MEMORY\" is disabled\n" + std::string(30, 'x') + " " + std::string(150, 'y');
  const std::string text = FormatKeyspaceSkippedText(long_error);
  ExpectAtMost100Columns(text);
  EXPECT_THAT(text, HasSubstr("ERR \\\"MEMORY\\\" is disabled\\x0a"));
  EXPECT_EQ(nlohmann::json::parse(KeyspaceSkippedJson(long_error).dump())["skipped"]
                .get<std::string>()
                .substr(0, 14),
            "ERR \\\"MEMORY\\\"");
}

TEST(KeyspaceReportTest, AnIncompleteScanIsAnEstimateEvenWithoutMargins) {
  KeyspaceSummary s;
  s.total_keys = 1'000;
  const std::string text = FormatKeyspaceText(s, VolatileLru());
  EXPECT_THAT(text, HasSubstr("Keyspace: 0 of 1,000 keys sampled in 10.0 s (0%), stopped at"));
  EXPECT_THAT(text, HasSubstr("Figures are estimates"));
  EXPECT_THAT(text, Not(HasSubstr("top prefixes")));
}

TEST(KeyspaceReportTest, EmptyKeyspace) {
  KeyspaceSummary s;
  s.complete = true;
  EXPECT_EQ(FormatKeyspaceText(s, VolatileLru()), "  Keyspace: no keys (scanned in 10.0 s)\n");
}

TEST(KeyspaceReportTest, ProgressBar) {
  // Width 60: 32 columns for the figures, "[", "] " and a bar of 25.
  EXPECT_EQ(FormatProgressBar(0, 0, 0, 60),
            "[" + std::string(25, '.') + "]   0%  0 keys  0.0 s" + std::string(13, ' '));
  EXPECT_EQ(FormatProgressBar(0.5, 12'345, 5, 60),
            "[" + std::string(12, '#') + std::string(13, '.') + "]  50%  12,345 keys  5.0 s" +
                std::string(8, ' '));
  EXPECT_EQ(FormatProgressBar(1, 250'000, 10.04, 60),
            "[" + std::string(25, '#') + "] 100%  250,000 keys  10.0 s" + std::string(6, ' '));
  // Too narrow for a bar: the figures alone, cut to the width.
  EXPECT_EQ(FormatProgressBar(0.5, 7, 1, 20), " 50%  7 keys  1.0 s ");
  EXPECT_EQ(FormatProgressBar(2, 1, 1, 10).size(), 10u);
  EXPECT_EQ(FormatProgressBar(std::nan(""), 1, 1, 80).substr(0, 2), "[.");
  EXPECT_EQ(FormatProgressBar(0.5, 1, 1, 0), "");
}

// Through the whole report: absent keyspace changes nothing (report_test's
// goldens cover that), present it follows the findings, skipped says why.
TEST(KeyspaceReportTest, InTheDoctorReport) {
  TargetReport r;
  r.name = "coupon-redis";
  r.address = "coupon-redis";
  Snapshot snap;
  snap.maxmemory = 1 << 30;
  snap.maxmemory_policy = "volatile-lru";
  r.snapshot = snap;
  const std::string without = FormatText({r});
  EXPECT_THAT(without, Not(HasSubstr("Keyspace")));
  EXPECT_FALSE(nlohmann::json::parse(FormatJson({r}))["targets"][0].contains("keyspace"));

  r.keyspace = Incident();
  r.keyspace_scan = {10.0, 21'000, true};
  const std::string with = FormatText({r});
  EXPECT_THAT(with, HasSubstr("OK: no risk found.\n\n  Keyspace: 20,000 of 250,000"));
  EXPECT_THAT(with, HasSubstr("(eviction_ineffective)"));
  EXPECT_THAT(with, HasSubstr("them.\n\n1 target(s)"));
  const nlohmann::json j = nlohmann::json::parse(FormatJson({r}));
  EXPECT_EQ(j["targets"][0]["keyspace"]["by_no_ttl"][0]["prefix"], "coupon:gen:*");

  r.keyspace.reset();
  r.keyspace_skipped = "--no-scan";
  EXPECT_THAT(FormatText({r}), HasSubstr("\n  Keyspace: not scanned: --no-scan\n\n1 target(s)"));
  EXPECT_EQ(nlohmann::json::parse(FormatJson({r}))["targets"][0]["keyspace"]["skipped"],
            "--no-scan");
}

}  // namespace keyspace_report_test
}  // namespace memwatch::doctor

namespace memwatch::doctor {
namespace eviction_events_report_test {

TEST(EvictionEventsReportTest, OffExplainsHowToTurnThemOnAndWhatTheyCost) {
  EvictionEvents e;
  e.flags = "";
  e.protected_patterns = {"session:*", "lock:\"<x>\n"};
  const std::string text = FormatEvictionEventsText(e);
  EXPECT_EQ(text.rfind("  Eviction events: off (notify-keyspace-events \"\"): Redis", 0), 0u)
      << text;
  for (const char* part :
       {"CONFIG SET notify-keyspace-events Ee", "parameter group", "one pub/sub message per",
        "evicted key", "never changes it", "`session:*`", "`lock:\\\"<x>\\x0a`"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
  size_t start = 0;
  for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    EXPECT_LE(end - start, static_cast<size_t>(kKeyspaceTextColumns))
        << text.substr(start, end - start);
    start = end + 1;
  }
  EXPECT_EQ(start, text.size());  // ends in a newline
  const nlohmann::json j = EvictionEventsJson(e);
  EXPECT_EQ(j["state"], "off");
  EXPECT_EQ(j["notify_keyspace_events"], "");
  EXPECT_EQ(j["protected"][1], "lock:\\\"<x>\\x0a");
}

TEST(EvictionEventsReportTest, OnAndUnknown) {
  EvictionEvents on;
  on.flags = "xE";
  on.on = true;
  on.protected_patterns = {"session:*"};
  EXPECT_NE(FormatEvictionEventsText(on).find("Eviction events: on (notify-keyspace-events "
                                              "\"xE\"): redis-memwatch reports each eviction"),
            std::string::npos)
      << FormatEvictionEventsText(on);
  EXPECT_EQ(EvictionEventsJson(on)["state"], "on");
  EvictionEvents unknown;
  unknown.error = "NOPERM this user has no permissions to run the 'config|get' command";
  unknown.protected_patterns = {"session:*"};
  EXPECT_NE(FormatEvictionEventsText(unknown).find("Eviction events: unknown (CONFIG GET"),
            std::string::npos);
  const nlohmann::json j = EvictionEventsJson(unknown);
  EXPECT_EQ(j["state"], "unknown");
  EXPECT_TRUE(j["notify_keyspace_events"].is_null());
  EXPECT_NE(j["error"].get<std::string>().find("NOPERM"), std::string::npos);
}

}  // namespace eviction_events_report_test
}  // namespace memwatch::doctor
