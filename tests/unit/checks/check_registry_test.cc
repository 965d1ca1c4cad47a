// The registry's rows are complete and consistent: what the config loader,
// metrics, notifiers and the engine read from it.
#include "checks/check_registry.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "checks/check.h"

namespace memwatch::checks {
namespace check_registry_test {

TEST(CheckRegistryTest, EveryRowIsComplete) {
  std::set<std::string_view> names;
  for (const CheckSpec& spec : AllChecks()) {
    EXPECT_TRUE(names.insert(spec.name).second) << "two rows named " << spec.name;
    EXPECT_TRUE(std::all_of(spec.name.begin(), spec.name.end(),
                            [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }))
        << spec.name << ": names are snake_case (config keys, label values, anchors)";
    EXPECT_FALSE(spec.help.empty()) << spec.name;
    EXPECT_FALSE(spec.severities.empty()) << spec.name;
    EXPECT_NE(spec.make, nullptr) << spec.name;
    std::set<std::string_view> keys;
    for (const ParamSpec& p : spec.params) {
      EXPECT_TRUE(keys.insert(p.key).second) << spec.name << "." << p.key << " twice";
      EXPECT_FALSE(p.help.empty()) << spec.name << "." << p.key;
    }
  }
}

// A title is what a phone's lock screen shows after "[CRITICAL] <target>: ".
TEST(CheckRegistryTest, EveryCheckHasAShortTitleOfItsOwn) {
  for (const CheckSpec& spec : AllChecks()) {
    std::string plain(spec.name);
    std::replace(plain.begin(), plain.end(), '_', ' ');
    EXPECT_FALSE(spec.title.empty()) << spec.name;
    EXPECT_NE(spec.title, plain) << spec.name << ": the title should say more than the name";
    EXPECT_LE(spec.title.size(), 50u) << spec.name;
  }
}

TEST(CheckRegistryTest, EveryFactoryMakesTheCheckOfItsRowInOrder) {
  const auto checks = NewAllChecks();
  ASSERT_EQ(checks.size(), AllChecks().size());
  for (size_t i = 0; i < checks.size(); ++i) EXPECT_EQ(checks[i]->name(), AllChecks()[i].name);
}

TEST(CheckRegistryTest, FindByName) {
  const CheckSpec* spec = FindCheck("memory_high");
  ASSERT_NE(spec, nullptr);
  EXPECT_EQ(spec->title, "memory almost full");
  const ParamSpec* warning = FindParam(*spec, "warning");
  ASSERT_NE(warning, nullptr);
  EXPECT_DOUBLE_EQ(warning->default_value, 0.85);
  EXPECT_EQ(FindParam(*spec, "nope"), nullptr);
  EXPECT_EQ(FindCheck("nope"), nullptr);
}

// A Sentinel group's data-set checks are checks (metrics read their
// severities from the row) and not group checks (one name, one meaning).
TEST(CheckRegistryTest, SentinelDataSetChecksAreChecks) {
  ASSERT_FALSE(SentinelDataSetChecks().empty());
  for (std::string_view name : SentinelDataSetChecks()) {
    EXPECT_NE(FindCheck(name), nullptr) << name;
    EXPECT_EQ(FindGroupCheck(name), nullptr) << name;
    EXPECT_TRUE(IsSentinelDataSetCheck(name)) << name;
  }
  EXPECT_FALSE(IsSentinelDataSetCheck("memory_high"));
  EXPECT_FALSE(IsSentinelDataSetCheck("failover"));
}

}  // namespace check_registry_test
}  // namespace memwatch::checks
