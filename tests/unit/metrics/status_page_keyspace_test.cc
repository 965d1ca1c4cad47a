// The top key prefixes on the status page, the target's page and in
// /api/v1/status: what a person reads, nothing for a target that is not
// sampled, and prefix names from Redis (EscapeKeyName output, but data all
// the same) kept text in HTML and exact in JSON.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "metrics/status_page.h"

namespace memwatch::metrics {
namespace status_page_keyspace_test {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr double kNow = 1796601600;  // 2026-12-07 00:00:00 UTC
const PageContext kCtx{"0.1.0", kNow, 1};

// Names as EscapeKeyName writes them (`\"`, `\\`, `\xHH`) and markup it
// leaves alone, plus one that did not go through it at all (a raw 0xff).
const std::vector<std::string> kHostile = {
    "q\\\"\\\\<script>alert(1)</script>:*",
    "</td></tr></table><img src=x onerror=alert(2)>:*",
    "\\xff\\xfe\\x00:*",
    "'single' & \"double\":*",
    "raw\xff\xfe:*",
};

TargetStatus Up(const std::string& name) {
  TargetStatus t;
  t.name = name;
  t.polled = true;
  t.up = true;
  t.used_memory = 3 << 20;
  t.role = "master";
  return t;
}

PrefixStatus P(std::string prefix, uint64_t keys, uint64_t no_ttl, std::optional<uint64_t> bytes,
               std::optional<double> share) {
  return {.prefix = std::move(prefix),
          .keys = keys,
          .keys_without_ttl = no_ttl,
          .bytes = bytes,
          .share = share};
}

TargetStatus Sampled(const std::string& name, std::vector<PrefixStatus> top) {
  TargetStatus t = Up(name);
  KeyspaceCycleStatus c;
  c.seconds = 512;
  c.keys = 60000;
  c.keys_without_ttl = 50200;
  c.bytes = uint64_t{20} << 20;
  c.top = std::move(top);
  t.keyspace = KeyspaceStatus{.backoff_reason = "none", .last_cycle = std::move(c)};
  return t;
}

TEST(StatusPageKeyspaceTest, ShowsTheTopPrefixesWithKeysBytesAndShare) {
  const TargetStatus t =
      Sampled("orders", {P("coupon:gen:*", 50108, 50108, uint64_t{13} << 20, 0.65),
                         P("cache:user:*", 9000, 0, std::nullopt, std::nullopt)});
  for (const std::string& page : {RenderStatusPage({t}, kCtx), RenderTargetPage(t, kCtx)}) {
    EXPECT_THAT(page, HasSubstr("<h3>Top key prefixes</h3><table class=\"prefixes\">"));
    EXPECT_THAT(page, HasSubstr("<thead><tr><th>prefix</th><th>keys</th><th>no TTL</th>"
                                "<th>bytes</th><th>share</th></tr></thead>"));
    EXPECT_THAT(page, HasSubstr("<tr><td>coupon:gen:*</td><td>50,108</td><td>50,108</td>"
                                "<td>13 MiB</td><td>65%</td></tr>"));
    // A prefix none of whose keys was measured has no bytes and no share.
    EXPECT_THAT(page, HasSubstr("<tr><td>cache:user:*</td><td>9,000</td><td>0</td><td>n/a</td>"
                                "<td>n/a</td></tr>"));
    EXPECT_THAT(page, HasSubstr("all prefixes: 60,000 keys, 50,200 without TTL, about 20 MiB, in "
                                "the last complete sampling cycle (took 9 min); bytes are "
                                "estimates, share is of all prefixes' bytes</p>"));
    EXPECT_THAT(page, Not(HasSubstr("slowed down")));
    EXPECT_THAT(page, Not(HasSubstr("style=")));  // the CSP allows no inline style
  }
  // The table sits in the target's own section, after its findings.
  const std::string page = RenderStatusPage({t}, kCtx);
  EXPECT_LT(page.find("<h2>"), page.find("Top key prefixes"));
  EXPECT_LT(page.find("Top key prefixes"), page.find("</section>"));
}

TEST(StatusPageKeyspaceTest, NothingForATargetThatIsNotSampled) {
  const TargetStatus plain = Up("plain");
  for (const std::string& page : {RenderStatusPage({plain}, kCtx), RenderTargetPage(plain, kCtx)}) {
    EXPECT_THAT(page, Not(HasSubstr("prefixes")));
    EXPECT_THAT(page, Not(HasSubstr("Key prefixes")));
  }
  const nlohmann::json doc = nlohmann::json::parse(RenderStatusJson({plain}, kCtx));
  EXPECT_FALSE(doc["targets"][0].contains("keyspace")) << doc;
}

TEST(StatusPageKeyspaceTest, SaysWhenNoCycleIsCompleteYetOrTheKeyspaceIsEmpty) {
  TargetStatus running = Up("running");
  running.keyspace = KeyspaceStatus{.backoff_reason = "memory_pressure", .last_cycle = {}};
  EXPECT_THAT(RenderStatusPage({running}, kCtx),
              HasSubstr("Key prefixes: sampling the keyspace, no complete cycle yet; sampling "
                        "slowed down: used memory is near the limit</p>"));
  nlohmann::json doc = nlohmann::json::parse(RenderStatusJson({running}, kCtx));
  EXPECT_EQ(doc["targets"][0]["keyspace"], nlohmann::json({{"backoff_reason", "memory_pressure"}}));

  TargetStatus empty = Sampled("empty", {});
  empty.keyspace->last_cycle->keys = 0;
  empty.keyspace->last_cycle->seconds = 0.5;
  EXPECT_THAT(
      RenderTargetPage(empty, kCtx),
      HasSubstr(
          "Key prefixes: no keys in the last complete sampling cycle (took less than 1 s)</p>"));
  EXPECT_THAT(RenderTargetPage(empty, kCtx), Not(HasSubstr("<table class=\"prefixes\"")));
}

TEST(StatusPageKeyspaceTest, JsonCarriesTheLastCycleAndItsTopPrefixes) {
  const TargetStatus t =
      Sampled("orders", {P("coupon:gen:*", 50108, 50108, uint64_t{13} << 20, 0.65),
                         P("cache:user:*", 9000, 0, std::nullopt, std::nullopt)});
  const nlohmann::json doc = nlohmann::json::parse(RenderStatusJson({t}, kCtx));
  const nlohmann::json& ks = doc["targets"][0]["keyspace"];
  EXPECT_EQ(ks["backoff_reason"], "none");
  const nlohmann::json& c = ks["last_cycle"];
  EXPECT_EQ(c["seconds"], 512);
  EXPECT_EQ(c["keys"], 60000);
  EXPECT_EQ(c["keys_without_ttl"], 50200);
  EXPECT_EQ(c["bytes"], 20 << 20);
  ASSERT_EQ(c["top_prefixes"].size(), 2U);
  EXPECT_EQ(c["top_prefixes"][0], nlohmann::json({{"prefix", "coupon:gen:*"},
                                                  {"keys", 50108},
                                                  {"keys_without_ttl", 50108},
                                                  {"bytes", 13 << 20},
                                                  {"share", 0.65}}));
  // Unknown bytes are left out, not 0.
  EXPECT_EQ(c["top_prefixes"][1],
            nlohmann::json({{"prefix", "cache:user:*"}, {"keys", 9000}, {"keys_without_ttl", 0}}));
}

TEST(StatusPageKeyspaceTest, HostilePrefixNamesStayTextInHtml) {
  std::vector<PrefixStatus> top;
  for (const std::string& name : kHostile) top.push_back(P(name, 1, 1, 10, 0.2));
  const TargetStatus t = Sampled("r", top);
  for (const std::string& page : {RenderStatusPage({t}, kCtx), RenderTargetPage(t, kCtx)}) {
    EXPECT_THAT(page, Not(HasSubstr("<script>")));
    EXPECT_THAT(page, Not(HasSubstr("<img")));
    EXPECT_THAT(page, Not(HasSubstr("</td></tr></table><")));
    EXPECT_THAT(page, Not(HasSubstr("'single'")));
    // EscapeKeyName's backslashes are shown as they are, the markup as text.
    EXPECT_THAT(page, HasSubstr("<tr><td>q\\&quot;\\\\&lt;script&gt;alert(1)&lt;/"
                                "script&gt;:*</td>"));
    EXPECT_THAT(page, HasSubstr("<tr><td>&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;img "
                                "src=x onerror=alert(2)&gt;:*</td>"));
    EXPECT_THAT(page, HasSubstr("<tr><td>\\xff\\xfe\\x00:*</td>"));
    EXPECT_THAT(page, HasSubstr("<tr><td>&#39;single&#39; &amp; &quot;double&quot;:*"));
    // Every row is one row: no name closed its cell or the table.
    size_t rows = 0;
    for (size_t at = page.find("<tr><td>"); at != std::string::npos;
         at = page.find("<tr><td>", at + 1)) {
      ++rows;
    }
    EXPECT_EQ(rows, kHostile.size());
  }
}

TEST(StatusPageKeyspaceTest, HostilePrefixNamesStayExactInJson) {
  std::vector<PrefixStatus> top;
  for (const std::string& name : kHostile) top.push_back(P(name, 1, 1, 10, 0.2));
  const std::string text = RenderStatusJson({Sampled("r", top)}, kCtx);
  // Valid JSON (the raw 0xff byte replaced, not thrown) ...
  const nlohmann::json doc = nlohmann::json::parse(text);
  const nlohmann::json& listed = doc["targets"][0]["keyspace"]["last_cycle"]["top_prefixes"];
  ASSERT_EQ(listed.size(), kHostile.size());
  // ... in which each escaped name reads back byte for byte.
  for (size_t i = 0; i + 1 < kHostile.size(); ++i) {
    EXPECT_EQ(listed[i]["prefix"].get<std::string>(), kHostile[i]);
  }
  EXPECT_EQ(listed.back()["prefix"].get<std::string>(), "raw\xEF\xBF\xBD\xEF\xBF\xBD:*");
  // The backslashes of EscapeKeyName are JSON-escaped once more.
  EXPECT_THAT(text, HasSubstr(R"("prefix":"q\\\"\\\\<script>alert(1)</script>:*")"));
  EXPECT_THAT(text, HasSubstr(R"("prefix":"\\xff\\xfe\\x00:*")"));
}

// The index of 20 targets as in status_page_test.cc's 100 KiB bound (4
// findings, a full hour of history), each sampled with 5 prefixes: the
// prefixes add at most 1 KiB a target with names of a usual length, and
// the page stays within 128 KiB with the longest (EscapeKeyName's bound is
// 200 bytes).
std::vector<TargetStatus> TwentySampledTargets(size_t prefix_bytes) {
  std::vector<TargetStatus> targets;
  for (int i = 0; i < 20; ++i) {
    std::vector<PrefixStatus> top;
    for (int k = 0; k < 5; ++k) {
      top.push_back(P(std::string(prefix_bytes - 2, static_cast<char>('a' + k)) + ":*", 123456789,
                      12345678, uint64_t{123} << 30, 0.123));
    }
    TargetStatus t = Sampled("target-" + std::to_string(i), top);
    t.limit = EffectiveLimit{int64_t{4} << 30, "maxmemory"};
    for (size_t p = 0; p < kHistoryPoints; ++p) {
      const double wall = kNow - kHistoryStepSeconds * static_cast<double>(kHistoryPoints - p);
      t.history.push_back(
          {wall, (int64_t{2} << 30) + static_cast<int64_t>(p) * (int64_t{1} << 23)});
    }
    for (int k = 0; k < 4; ++k) {
      Finding f;
      f.check = "check" + std::to_string(k);
      f.severity = Severity::kWarning;
      f.summary = std::string(200, 's');
      f.fix = std::string(300, 'f');
      t.findings.push_back(f);
    }
    targets.push_back(t);
  }
  return targets;
}

TEST(StatusPageKeyspaceTest, ThePrefixesOfTwentyTargetsAddAtMost20KiB) {
  std::vector<TargetStatus> targets = TwentySampledTargets(40);
  const size_t sampled = RenderStatusPage(targets, kCtx).size();
  for (TargetStatus& t : targets) t.keyspace.reset();
  const size_t plain = RenderStatusPage(targets, kCtx).size();
  EXPECT_LT(sampled - plain, size_t{20} * 1024) << sampled << " vs " << plain;
  EXPECT_LT(RenderStatusPage(TwentySampledTargets(200), kCtx).size(), size_t{128} * 1024);
}

}  // namespace status_page_keyspace_test
}  // namespace memwatch::metrics
