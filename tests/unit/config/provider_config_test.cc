// A target's `provider:`: auto (detect from INFO) unless a managed service
// is named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace provider_config_test {

using testutil::AllErrors;
using testutil::Load;
using testutil::OnlyError;

// One target whose fourth line is `provider: <value>`.
LoadResult LoadWithProvider(std::string_view value) {
  return Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    provider: " +
      std::string(value) + "\n");
}

TEST(ProviderConfigTest, EveryProviderNameParses) {
  for (Provider p :
       {Provider::kSelfManaged, Provider::kElastiCache, Provider::kAzure, Provider::kMemorystore}) {
    const LoadResult r = LoadWithProvider(ProviderName(p));
    ASSERT_TRUE(r.ok()) << AllErrors(r);
    EXPECT_EQ(r.config->targets[0].provider, p) << ProviderName(p);
  }
}

TEST(ProviderConfigTest, AutoAndOmittedBothMeanDetect) {
  const LoadResult written = LoadWithProvider("auto");
  ASSERT_TRUE(written.ok()) << AllErrors(written);
  EXPECT_EQ(written.config->targets[0].provider, std::nullopt);
  const LoadResult omitted = Load(testutil::kTarget);
  ASSERT_TRUE(omitted.ok()) << AllErrors(omitted);
  EXPECT_EQ(omitted.config->targets[0].provider, std::nullopt);
}

TEST(ProviderConfigTest, EachTargetHasItsOwn) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    provider: azure\n"
      "  - name: b\n"
      "    address: h:2\n");
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].provider, Provider::kAzure);
  EXPECT_EQ(r.config->targets[1].provider, std::nullopt);
}

TEST(ProviderConfigTest, MisspelledValueListsTheValuesAndSuggestsTheNearest) {
  EXPECT_EQ(OnlyError(LoadWithProvider("elasticahe")),
            "memwatch.yaml:4:15: targets[0].provider: expected one of auto, self-managed, "
            "elasticache, azure, memorystore, got 'elasticahe'; did you mean 'elasticache'?");
  EXPECT_EQ(OnlyError(LoadWithProvider("selfmanaged")),
            "memwatch.yaml:4:15: targets[0].provider: expected one of auto, self-managed, "
            "elasticache, azure, memorystore, got 'selfmanaged'; did you mean 'self-managed'?");
}

TEST(ProviderConfigTest, OtherCaseIsSuggestedNotAccepted) {
  EXPECT_EQ(OnlyError(LoadWithProvider("AZURE")),
            "memwatch.yaml:4:15: targets[0].provider: expected one of auto, self-managed, "
            "elasticache, azure, memorystore, got 'AZURE'; did you mean 'azure'?");
}

TEST(ProviderConfigTest, FarValueOnlyListsTheValues) {
  EXPECT_EQ(OnlyError(LoadWithProvider("aws")),
            "memwatch.yaml:4:15: targets[0].provider: expected one of auto, self-managed, "
            "elasticache, azure, memorystore, got 'aws'");
}

TEST(ProviderConfigTest, ValueMustBeAString) {
  EXPECT_EQ(OnlyError(LoadWithProvider("[azure]")),
            "memwatch.yaml:4:15: targets[0].provider: expected a string, found a list");
}

TEST(ProviderConfigTest, VariablesAreExpanded) {
  const LoadResult r = Load(
      "targets:\n"
      "  - name: a\n"
      "    address: h:1\n"
      "    provider: ${PROVIDER}\n",
      testutil::FakeEnv({{"PROVIDER", "memorystore"}}));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.config->targets[0].provider, Provider::kMemorystore);
}

TEST(ProviderConfigTest, MisspelledKeySuggestsProvider) {
  EXPECT_EQ(OnlyError(Load("targets:\n  - name: a\n    address: h:1\n    provder: azure\n")),
            "memwatch.yaml:4:5: targets[0].provder: unknown key 'provder'; did you mean "
            "'provider'?");
}

}  // namespace provider_config_test
}  // namespace memwatch::config
