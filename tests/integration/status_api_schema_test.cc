// GET /api/v1/status of the built daemon, watching a real redis-server
// (whose keys, hostile names among them, are sampled into top prefixes) and
// one that is down, with a real webhook receiver that refuses the first
// notification and accepts the retry, validated against its documented schema
// (docs/status-api.schema.json) with Debian's python3-jsonschema. The
// schema forbids keys it does not name, so an undocumented key fails here.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/child_process.h"
#include "harness/daemon_process.h"
#include "harness/http_receiver.h"
#include "harness/redis_server.h"
#include "harness/temp_dir.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace status_api_schema_test {

using ::testing::HasSubstr;
using ::testing::IsSubsetOf;

struct Validation {
  int exit_code = -1;
  std::string errors;
};

Validation Validate(const nlohmann::json& document) {
  TempDir dir("memwatch-schema");
  {
    std::ofstream out(dir.File("status.json"));
    out << document.dump(2);
  }
  const std::string source = MEMWATCH_SOURCE_DIR;
  ChildProcess v({.argv = {kPython3, source + "/tests/integration/harness/validate_json.py",
                           source + "/docs/status-api.schema.json", dir.File("status.json")},
                  .stderr_path = dir.File("errors.txt")});
  Validation r;
  r.exit_code = v.Wait(std::chrono::seconds(30)).value_or(-1);
  std::ifstream errors(dir.File("errors.txt"));
  r.errors.assign(std::istreambuf_iterator<char>(errors), {});
  return r;
}

TEST(StatusApiSchemaTest, TheDaemonsAnswerMatchesTheDocumentedSchema) {
  RedisServer stock;
  // Six prefixes (one more than the JSON lists), two of them hostile: a
  // quote, backslashes, markup and what looks like an escape in their names.
  stock.Cli(
      {"EVAL",
       "for i = 1, 30 do redis.call('SET', 'coupon:gen:' .. i, 'c') "
       "redis.call('SET', 'cache:user:' .. i, 'v', 'EX', 3600) "
       "redis.call('SET', 'jobs:' .. i, 'j') redis.call('SET', 'lock:' .. i, 'l', 'EX', 60) end",
       "0"});
  stock.Cli({"SET", "q\"\\<script>alert(1)</script>:1", "x"});
  stock.Cli({"SET", "path\\x41:1", "x"});  // a literal \x41, not an escape
  auto gone = std::make_unique<RedisServer>();
  const int gone_port = gone->Port();
  HttpReceiver hook({{.status = 503, .body = "busy"}, {.status = 200}});
  DaemonProcess d(
      "listen: \"127.0.0.1:0\"\ninterval: 200ms\nkeyspace: {interval: 1s}\ntargets:\n"
      "  - name: stock\n    address: 127.0.0.1:" +
      std::to_string(stock.Port()) + "\n  - name: gone\n    address: 127.0.0.1:" +
      std::to_string(gone_port) + "\n    memory_limit: 1gb\n" +
      "receivers:\n  - name: hook\n    type: webhook\n    url: " + hook.Url() + "\n");
  const int port = d.WaitForPort();
  ASSERT_GT(port, 0) << d.Log();
  ASSERT_TRUE(WaitFor([&] { return d.Value("redis_up{target=\"gone\"}") == 1.0; })) << d.Log();
  gone.reset();  // now it is down, with a last success and a poll error
  ASSERT_TRUE(WaitFor([&] {
    return d.Value("redis_up{target=\"stock\"}") == 1.0 &&
           d.Value("redis_up{target=\"gone\"}") == 0.0;
  })) << d.Log();
  // The first notification is refused (503) and retried. It is then either
  // sent on a later attempt or superseded by the newer critical of the same
  // target, which goes out at once (a reason, no latency): wait for either.
  nlohmann::json doc;
  const auto retried_and_settled = [](const nlohmann::json& receiver) {
    for (const nlohmann::json& n : receiver["recent"]) {
      if (n["state"] == "sent" && n["attempts"].get<int>() >= 2) return true;
      if (n["state"] == "superseded") return true;
    }
    return false;
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        const std::optional<HttpResponse> api = HttpGet(port, "/api/v1/status");
        if (!api.has_value() || api->status != 200) return false;
        doc = nlohmann::json::parse(api->body);
        return doc["receivers"].size() == 1 && retried_and_settled(doc["receivers"][0]) &&
               doc["targets"].size() == 2 && doc["targets"][1]["keyspace"].contains("last_cycle");
      },
      std::chrono::seconds(30)))
      << doc.dump(2) << d.Log();
  // Both states and the optional parts are present, so the schema sees them.
  ASSERT_EQ(doc["targets"].size(), 2U) << doc;
  const nlohmann::json& gone_doc = doc["targets"][0];
  const nlohmann::json& stock_doc = doc["targets"][1];
  EXPECT_EQ(gone_doc["state"], "down");
  EXPECT_TRUE(gone_doc.contains("last_success_unix"));
  EXPECT_EQ(stock_doc["state"], "up");
  EXPECT_EQ(stock_doc["role"], "master");
  EXPECT_FALSE(stock_doc["findings"].empty());
  EXPECT_FALSE(stock_doc["memory_history"].empty());
  // The top 5 prefixes of a complete cycle, names exactly as EscapeKeyName
  // writes them.
  const nlohmann::json& cycle = stock_doc["keyspace"]["last_cycle"];
  EXPECT_EQ(cycle["keys"], 4 * 30 + 2) << cycle;
  EXPECT_EQ(cycle["keys_without_ttl"], 2 * 30 + 2) << cycle;
  ASSERT_EQ(cycle["top_prefixes"].size(), 5U) << cycle;
  std::vector<std::string> prefixes;
  for (const nlohmann::json& p : cycle["top_prefixes"]) prefixes.push_back(p["prefix"]);
  EXPECT_THAT(prefixes, IsSubsetOf({"coupon:gen:*", "cache:user:*", "jobs:*", "lock:*",
                                    "q\\\"\\\\<script>alert(1)</script>:*", "path\\\\x41:*"}));
  ASSERT_EQ(doc["receivers"].size(), 1U) << doc;
  const nlohmann::json& hook_doc = doc["receivers"][0];
  EXPECT_EQ(hook_doc["receiver"], "hook");
  EXPECT_GE(hook_doc["retried"].get<int>(), 1);
  ASSERT_FALSE(hook_doc["recent"].empty());

  const Validation valid = Validate(doc);
  EXPECT_EQ(valid.exit_code, 0) << valid.errors << "\n" << doc.dump(2);

  // The validator and the schema can fail: an undocumented key and a state
  // the schema does not name are both reported.
  nlohmann::json wrong = doc;
  wrong["targets"][1]["surprise"] = 1;
  wrong["targets"][0]["state"] = "sideways";
  wrong["targets"][1]["keyspace"]["last_cycle"]["top_prefixes"][0]["surprise"] = 1;
  wrong["targets"][1]["keyspace"]["last_cycle"]["top_prefixes"][1]["prefix"] = "\\other";
  const Validation invalid = Validate(wrong);
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_THAT(invalid.errors, HasSubstr("targets/1: Additional properties are not allowed"));
  EXPECT_THAT(invalid.errors, HasSubstr("targets/0/state: 'sideways' is not one of"));
  EXPECT_THAT(invalid.errors, HasSubstr("targets/1/keyspace/last_cycle/top_prefixes/0: "
                                        "Additional properties are not allowed"));
  EXPECT_THAT(invalid.errors, HasSubstr("targets/1/keyspace/last_cycle/top_prefixes/1/prefix"));
}

}  // namespace status_api_schema_test
}  // namespace memwatch::testing
