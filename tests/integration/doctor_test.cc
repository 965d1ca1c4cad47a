// `redis-memwatch doctor` against a real redis-server: exit codes, the report
// text and JSON, and no secret in any output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/daemon_process.h"
#include "harness/redis_cluster.h"
#include "harness/redis_server.h"
#include "harness/sentinel_process.h"
#include "harness/wait_for.h"

namespace memwatch::testing {
namespace doctor_test {

using ::testing::HasSubstr;
using ::testing::Not;

CommandResult Doctor(std::vector<std::string> args) {
  args.insert(args.begin(), {MEMWATCH_BINARY, "doctor"});
  return RunCommand(args);
}

std::string Url(const RedisServer& r) { return "redis://127.0.0.1:" + std::to_string(r.Port()); }

TEST(DoctorTest, StockRedisWarnsAboutBothSettingsWithFixes) {
  RedisServer redis;
  CommandResult r = Doctor({Url(redis)});
  EXPECT_EQ(r.exit_code, 1) << r.output << r.error;
  EXPECT_THAT(r.output, HasSubstr("WARNING maxmemory_unset"));
  EXPECT_THAT(r.output, HasSubstr("WARNING noeviction"));
  EXPECT_THAT(r.output, HasSubstr("CONFIG SET maxmemory "));
  EXPECT_THAT(r.output, HasSubstr("CONFIG SET maxmemory-policy "));
}

TEST(DoctorTest, AConfiguredRedisIsHealthy) {
  RedisServer redis({"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"});
  CommandResult r = Doctor({Url(redis)});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.error;
  EXPECT_THAT(r.output, HasSubstr("OK: no risk found"));
}

TEST(DoctorTest, JsonFormat) {
  RedisServer redis;
  CommandResult r = Doctor({Url(redis), "--format", "json"});
  EXPECT_EQ(r.exit_code, 1);
  nlohmann::json doc = nlohmann::json::parse(r.output);
  EXPECT_EQ(doc["exit_code"], 1);
  ASSERT_EQ(doc["targets"].size(), 1u);
  std::vector<std::string> checks;
  for (const auto& f : doc["targets"][0]["findings"]) checks.push_back(f["check"]);
  EXPECT_THAT(checks, ::testing::IsSupersetOf({"maxmemory_unset", "noeviction"}));
}

TEST(DoctorTest, UnreachableIsExitCode3) {
  RedisServer redis;
  int port = redis.Port();
  redis.Stop();
  CommandResult r = Doctor({"redis://127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(r.exit_code, 3) << r.output << r.error;
  EXPECT_THAT(r.output, HasSubstr("could not poll it"));
}

TEST(DoctorTest, WrongPasswordIsExitCode3AndNeverPrinted) {
  RedisServer redis({"--requirepass", "right-one"});
  const std::string wrong = "hunter2-wrong-b7e1";
  CommandResult r =
      Doctor({"redis://default:" + wrong + "@127.0.0.1:" + std::to_string(redis.Port())});
  EXPECT_EQ(r.exit_code, 3) << r.output << r.error;
  EXPECT_THAT(r.output + r.error, Not(HasSubstr(wrong)));
  EXPECT_THAT(r.output, HasSubstr("auth"));
}

std::string SentinelConfig(const std::string& sentinel_address) {
  return "targets:\n"
         "  - name: orders\n"
         "    sentinel: {addresses: [\"" +
         sentinel_address + "\"], master_name: mymaster}\n";
}

// A Sentinel group in the config: doctor discovers its primary and replica
// once and reports on each under the node's name; a group whose sentinels
// do not answer is reported unreachable (exit code 3), saying so.
TEST(DoctorTest, ASentinelGroupIsReportedNodeByNode) {
  const std::vector<std::string> configured = {"--maxmemory", "100mb", "--maxmemory-policy",
                                               "allkeys-lru"};
  RedisServer primary(configured);
  std::vector<std::string> replica_args = configured;
  replica_args.insert(replica_args.end(), {"--replica-announce-ip", "127.0.0.1"});
  RedisServer replica(replica_args);
  replica.Cli({"REPLICAOF", "127.0.0.1", std::to_string(primary.Port())});
  ASSERT_TRUE(WaitFor(
      [&] {
        return primary.Cli({"INFO", "replication"}).find("connected_slaves:1") != std::string::npos;
      },
      std::chrono::seconds(10)));
  SentinelProcess sentinel(primary.Port(), {.quorum = 1});
  // Until the sentinel has connected to the replica it reports it
  // "slave,disconnected", which discovery leaves out (as the daemon does
  // until a later round).
  ASSERT_TRUE(WaitFor(
      [&] {
        return sentinel.Cli({"SENTINEL", "REPLICAS", "mymaster"}).find("flags\nslave\n") !=
               std::string::npos;
      },
      std::chrono::seconds(15)))
      << sentinel.Log();

  TempDir dir("memwatch-doctor");
  const std::string file = dir.File("orders.yml");
  std::ofstream(file) << SentinelConfig(sentinel.Address());
  CommandResult r = Doctor({"--config", file});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.error;
  const std::string p = "127.0.0.1:" + std::to_string(primary.Port());
  const std::string q = "127.0.0.1:" + std::to_string(replica.Port());
  EXPECT_THAT(r.output, HasSubstr("orders/" + p + " (" + p + ")")) << r.output;
  EXPECT_THAT(r.output, HasSubstr("orders/" + q + " (" + q + ")")) << r.output;

  const int gone = sentinel.Port();
  sentinel.Kill();
  std::ofstream(file) << SentinelConfig("127.0.0.1:" + std::to_string(gone));
  r = Doctor({"--config", file});
  EXPECT_EQ(r.exit_code, 3) << r.output << r.error;
  EXPECT_THAT(r.output, HasSubstr("could not discover the Sentinel group's nodes"));
  EXPECT_THAT(r.output, Not(HasSubstr("orders/")));
}

// A cluster from one seed: every primary reported under the group's name.
TEST(DoctorTest, AClusterIsReportedNodeByNodeFromOneSeed) {
  RedisCluster cluster(3, 0, {"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"});
  TempDir dir("memwatch-doctor");
  const std::string file = dir.File("shop.yml");
  std::ofstream(file) << "targets:\n  - name: shop\n    cluster: {seeds: [\"127.0.0.1:" +
                             std::to_string(cluster.Node(0).Port()) + "\"]}\n";
  CommandResult r = Doctor({"--config", file});
  EXPECT_EQ(r.exit_code, 0) << r.output << r.error;
  for (size_t i = 0; i < cluster.size(); ++i) {
    EXPECT_THAT(r.output, HasSubstr("shop/127.0.0.1:" + std::to_string(cluster.Node(i).Port())))
        << r.output;
  }
}

TEST(DoctorTest, BadConfigIsExitCode3WithTheErrors) {
  TempDir dir("memwatch-doctor");
  const std::string file = dir.File("bad.yml");
  std::ofstream(file) << "targets: 3\n";
  CommandResult r = Doctor({"--config", file});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.error, HasSubstr(file + ":1:"));
}

// A managed service's INFO may look self-managed (Azure, Memorystore):
// provider: set once in target_defaults, or per target, decides the fixes.
// A real Redis with the stock noeviction policy stands in for the service.
TEST(DoctorTest, ConfiguredProvidersGetTheirOwnFixes) {
  RedisServer redis;
  TempDir dir("memwatch-doctor");
  const std::string file = dir.File("managed.yml");
  const std::string address = "127.0.0.1:" + std::to_string(redis.Port());
  std::ofstream(file) << "target_defaults:\n  provider: azure\ntargets:\n"
                      << "  - name: azure-cache\n    address: " << address << "\n"
                      << "  - name: gcp-cache\n    address: " << address << "\n"
                      << "    provider: memorystore\n"
                      << "  - name: own\n    address: " << address << "\n"
                      << "    provider: self-managed\n";
  CommandResult r = Doctor({"--config", file, "--format", "json"});
  ASSERT_EQ(r.exit_code, 1) << r.output << r.error;
  const nlohmann::json doc = nlohmann::json::parse(r.output);
  ASSERT_EQ(doc["targets"].size(), 3u);
  auto noeviction_fix = [&](size_t i) -> std::string {
    for (const auto& f : doc["targets"][i]["findings"]) {
      if (f["check"] == "noeviction") return f["fix"];
    }
    return "";
  };
  EXPECT_EQ(doc["targets"][0]["provider"], "azure");
  EXPECT_THAT(noeviction_fix(0), HasSubstr("az redis update"));
  EXPECT_THAT(noeviction_fix(0), Not(HasSubstr("CONFIG SET")));
  EXPECT_EQ(doc["targets"][1]["provider"], "memorystore");
  EXPECT_THAT(noeviction_fix(1), HasSubstr("--update-redis-config=maxmemory-policy="));
  EXPECT_EQ(doc["targets"][2]["provider"], "self-managed");
  EXPECT_THAT(noeviction_fix(2), HasSubstr("CONFIG SET maxmemory-policy"));
}

// keyspace.protected: doctor flags the policy that can evict them, and
// tells whether Redis announces evictions, how to turn that on and what it
// costs, without changing the setting itself.
TEST(DoctorTest, ProtectedKeysGetThePolicyRiskAndTheEvictionEvents) {
  RedisServer redis({"--maxmemory", "100mb", "--maxmemory-policy", "allkeys-lru"});
  TempDir dir("memwatch-doctor");
  const std::string file = dir.File("protected.yml");
  std::ofstream(file) << "keyspace:\n  protected: [\"session:*\"]\ntargets:\n"
                      << "  - name: r\n    address: 127.0.0.1:" << redis.Port() << "\n";
  CommandResult r = Doctor({"--config", file, "--no-scan"});
  EXPECT_EQ(r.exit_code, 1) << r.output << r.error;
  EXPECT_THAT(r.output, HasSubstr("WARNING protected_keys_evictable"));
  EXPECT_THAT(r.output, HasSubstr("Eviction events: off (notify-keyspace-events \"\")"));
  EXPECT_THAT(r.output, HasSubstr("CONFIG SET notify-keyspace-events Ee"));
  EXPECT_THAT(r.output, HasSubstr("Cost: one"));
  EXPECT_EQ(redis.Cli({"CONFIG", "GET", "notify-keyspace-events"}), "notify-keyspace-events\n");

  ASSERT_EQ(redis.Cli({"CONFIG", "SET", "notify-keyspace-events", "Ee"}), "OK");
  CommandResult json = Doctor({"--config", file, "--no-scan", "--format", "json"});
  const nlohmann::json doc = nlohmann::json::parse(json.output);
  const nlohmann::json& events = doc["targets"][0]["eviction_events"];
  EXPECT_EQ(events["state"], "on") << json.output;
  EXPECT_EQ(events["protected"][0], "session:*");
}

}  // namespace doctor_test
}  // namespace memwatch::testing
