// Provider detection and the fixes it changes: managed services block
// CONFIG SET, so their findings name the provider's own change.
#include <gtest/gtest.h>

#include <span>
#include <string>

#include "checks/config_change.h"
#include "checks/managed_fix.h"
#include "checks/provider_detection.h"
#include "test_support.h"

namespace memwatch::checks {
namespace provider_fixes_test {

using namespace testing;  // NOLINT(build/namespaces): test helpers

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// ---- Detection ---------------------------------------------------------------

TEST(ProviderDetectionTest, ElastiCacheAndMemoryDbNameThemselvesInOs) {
  Snapshot s;
  s.os = "Amazon ElastiCache";
  EXPECT_EQ(ProviderFromInfo(s), Provider::kElastiCache);
  s.os = "Amazon MemoryDB";
  EXPECT_EQ(ProviderFromInfo(s), Provider::kElastiCache);
  s.os = "Linux 6.1.0-18-amd64 x86_64";  // self-managed, Azure and Memorystore alike
  EXPECT_EQ(ProviderFromInfo(s), std::nullopt);
  s.os.reset();
  EXPECT_EQ(ProviderFromInfo(s), std::nullopt);
}

TEST(ProviderDetectionTest, ConfiguredWinsThenInfoThenSelfManaged) {
  Snapshot elasticache;
  elasticache.os = "Amazon ElastiCache";
  EXPECT_EQ(ResolveProvider(Provider::kAzure, &elasticache), Provider::kAzure);
  EXPECT_EQ(ResolveProvider(std::nullopt, &elasticache), Provider::kElastiCache);
  EXPECT_EQ(ResolveProvider(std::nullopt, nullptr), Provider::kSelfManaged);
  EXPECT_EQ(ResolveProvider(Provider::kMemorystore, nullptr), Provider::kMemorystore);
}

// ---- Rendering -----------------------------------------------------------------

TEST(ManagedFixTest, PolicyInEachProvidersOwnSyntax) {
  const ConfigChange policy = AllkeysLruChange();
  const std::span<const ConfigChange> one(&policy, 1);
  EXPECT_EQ(
      RenderManagedFix(one, Provider::kElastiCache),
      "Amazon ElastiCache blocks the CONFIG command: change it in the cache's parameter group (a "
      "custom one: default.* groups cannot be changed):\n  aws elasticache "
      "modify-cache-parameter-group --cache-parameter-group-name <parameter-group> "
      "--parameter-name-values \"ParameterName=maxmemory-policy,ParameterValue=allkeys-lru\"");
  EXPECT_TRUE(Contains(RenderManagedFix(one, Provider::kAzure),
                       "az redis update --name <cache-name> --resource-group <resource-group> "
                       "--set \"redisConfiguration.maxmemory-policy\"=\"allkeys-lru\""));
  EXPECT_TRUE(Contains(RenderManagedFix(one, Provider::kMemorystore),
                       "gcloud redis instances update <instance> --region=<region> "
                       "--update-redis-config=maxmemory-policy=allkeys-lru"));
  for (Provider p : {Provider::kElastiCache, Provider::kAzure, Provider::kMemorystore}) {
    EXPECT_FALSE(Contains(RenderManagedFix(one, p), "CONFIG REWRITE")) << ProviderName(p);
    EXPECT_FALSE(Contains(ManagedFixClause(policy, p), "CONFIG SET")) << ProviderName(p);
  }
}

TEST(ManagedFixTest, MaxmemoryIsExplainedWhereTheServiceDerivesIt) {
  const ConfigChange three = SizeChange("maxmemory", 3 * kGiB + 512 * kMiB);
  const std::span<const ConfigChange> one(&three, 1);
  const std::string elasticache = RenderManagedFix(one, Provider::kElastiCache);
  EXPECT_TRUE(Contains(elasticache, "reserved-memory-percent (INFO maxmemory already excludes it)"))
      << elasticache;
  EXPECT_TRUE(Contains(elasticache, "--cache-node-type <node-type>"));
  EXPECT_TRUE(Contains(elasticache, "about 3.5 GiB")) << elasticache;
  EXPECT_FALSE(Contains(elasticache, "ParameterName=maxmemory,"));
  const std::string azure = RenderManagedFix(one, Provider::kAzure);
  EXPECT_TRUE(Contains(azure, "\"redisConfiguration.maxmemory-reserved\"=\"<MB>\"")) << azure;
  // Memorystore takes a limit, in GB with one decimal, rounded down.
  EXPECT_TRUE(Contains(RenderManagedFix(one, Provider::kMemorystore),
                       "--update-redis-config=maxmemory-gb=3.5"));
}

TEST(ManagedFixTest, ReplicaBufferLimitBecomesElastiCachesThreeParameters) {
  const ConfigChange limit{"client-output-buffer-limit", "replica 256mb 64mb 60", std::nullopt};
  const std::string fix = RenderManagedFix(std::span(&limit, 1), Provider::kElastiCache);
  EXPECT_TRUE(Contains(fix,
                       "\"ParameterName=client-output-buffer-limit-replica-hard-limit,"
                       "ParameterValue=268435456\" \"ParameterName=client-output-buffer-limit-"
                       "replica-soft-limit,ParameterValue=67108864\" \"ParameterName=client-"
                       "output-buffer-limit-replica-soft-seconds,ParameterValue=60\""))
      << fix;
  // Sizes go to ElastiCache in bytes.
  const ConfigChange backlog = SizeChange("repl-backlog-size", 64 * kMiB);
  EXPECT_TRUE(Contains(RenderManagedFix(std::span(&backlog, 1), Provider::kElastiCache),
                       "ParameterName=repl-backlog-size,ParameterValue=67108864"));
}

TEST(ManagedFixTest, WhatTheServiceDoesNotOfferIsSaidSo) {
  const ConfigChange backlog = SizeChange("repl-backlog-size", 64 * kMiB);
  EXPECT_EQ(RenderManagedFix(std::span(&backlog, 1), Provider::kAzure),
            "Azure Cache for Redis does not let you set repl-backlog-size (repl-backlog-size 64mb "
            "is what a self-managed Redis would take).");
  const ConfigChange defrag{"activedefrag", "yes", std::nullopt};
  EXPECT_TRUE(Contains(ManagedFixClause(defrag, Provider::kAzure), "does not let you set"));
  EXPECT_TRUE(Contains(ManagedFixClause(defrag, Provider::kMemorystore),
                       "--update-redis-config=activedefrag=yes"));
}

TEST(ConfigChangeTest, SizeArgumentsParseBack) {
  for (int64_t bytes : {int64_t{1}, 1023 * int64_t{1}, kKiB, 3 * kMiB, 3686 * kMiB, 4 * kGiB}) {
    EXPECT_EQ(ParseRedisSizeArg(RedisSizeArg(bytes)), bytes) << bytes;
  }
  EXPECT_EQ(ParseRedisSizeArg("256mb"), 256 * kMiB);
  EXPECT_EQ(ParseRedisSizeArg(""), std::nullopt);
  EXPECT_EQ(ParseRedisSizeArg("mb"), std::nullopt);
  EXPECT_EQ(ParseRedisSizeArg("3g"), std::nullopt);
  EXPECT_EQ(ParseRedisSizeArg("-1"), std::nullopt);
  EXPECT_EQ(ParseRedisSizeArg("99999999999999gb"), std::nullopt);
}

// ---- Findings ------------------------------------------------------------------

// ElastiCache's default policy is volatile-lru: with keys that carry no TTL
// it evicts nothing. The finding names the parameter group, not CONFIG SET.
TEST(ProviderFindingsTest, ElastiCacheDetectedFromInfoGetsParameterGroupFixes) {
  MonitorHarness h;
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB).Policy("volatile-lru").Used(2 * kGiB).Keys(100000, 5000);
  b.Set(&Snapshot::os, std::string("Amazon ElastiCache")).TotalSystemMemory(std::nullopt);
  b.Set(&Snapshot::config_file, std::string("-"));
  const auto findings = h.Poll(b.Build());
  const Finding* f = FindingFor(findings, "eviction_ineffective");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(Contains(f->fix, "aws elasticache modify-cache-parameter-group")) << f->fix;
  EXPECT_TRUE(Contains(f->fix, "ParameterName=maxmemory-policy,ParameterValue=allkeys-lru"));
  EXPECT_FALSE(Contains(f->fix, "CONFIG SET")) << f->fix;
  EXPECT_FALSE(Contains(f->fix, "redis.conf")) << f->fix;
}

// Azure's INFO looks self-managed: provider: azure in the config decides.
TEST(ProviderFindingsTest, ConfiguredProviderDecidesWhereInfoCannotTell) {
  MonitorHarness h;
  h.monitor().Reconfigure(TargetInfo{"redis-1", std::nullopt, Provider::kAzure},
                          CheckSettings::Merge({}, {}));
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB).Policy("noeviction").Used(2 * kGiB);
  const auto findings = h.Poll(b.Build());
  const Finding* f = FindingFor(findings, "noeviction");
  ASSERT_NE(f, nullptr) << "noeviction should fire";
  EXPECT_TRUE(Contains(f->fix, "az redis update")) << f->fix;
  EXPECT_FALSE(Contains(f->fix, "CONFIG SET")) << f->fix;
}

// The same finding on a self-managed Redis keeps CONFIG SET and redis.conf.
TEST(ProviderFindingsTest, SelfManagedKeepsConfigSet) {
  MonitorHarness h;
  SnapshotBuilder b;
  b.Maxmemory(4 * kGiB).Policy("noeviction").Used(2 * kGiB);
  const auto findings = h.Poll(b.Build());
  const Finding* f = FindingFor(findings, "noeviction");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(Contains(f->fix, "CONFIG SET maxmemory-policy allkeys-lru")) << f->fix;
}

}  // namespace provider_fixes_test
}  // namespace memwatch::checks
