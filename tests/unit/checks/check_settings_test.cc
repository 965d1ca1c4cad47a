#include "checks/check_settings.h"

#include <gtest/gtest.h>

#include "checks/check_registry.h"

namespace memwatch::checks {
namespace check_settings_test {

TEST(CheckSettingsTest, DefaultsComeFromTheSpec) {
  const CheckSettings s;
  for (const CheckSpec& check : AllChecks()) {
    EXPECT_EQ(s.Enabled(check.name), check.enabled_by_default) << check.name;
    for (const ParamSpec& p : check.params) {
      EXPECT_EQ(s.Param(check.name, p.key), p.default_value) << check.name << "." << p.key;
    }
  }
  EXPECT_DOUBLE_EQ(s.Param("memory_high", "warning"), 0.85);
}

TEST(CheckSettingsTest, TargetOverridesGlobalKeyByKey) {
  ChecksBlock global;
  global["memory_high"].params["warning"] = 0.70;
  global["memory_high"].params["critical"] = 0.90;
  global["fragmentation"].enabled = false;
  ChecksBlock target;
  target["memory_high"].params["warning"] = 0.60;
  const CheckSettings s = CheckSettings::Merge(global, target);
  EXPECT_DOUBLE_EQ(s.Param("memory_high", "warning"), 0.60);
  EXPECT_DOUBLE_EQ(s.Param("memory_high", "critical"), 0.90);      // from global
  EXPECT_DOUBLE_EQ(s.Param("memory_high", "clear_margin"), 0.05);  // default
  EXPECT_FALSE(s.Enabled("fragmentation"));
  EXPECT_TRUE(s.Enabled("memory_high"));
}

TEST(CheckSettingsTest, TargetCanReenableAGloballyDisabledCheck) {
  ChecksBlock global;
  global["evicting"].enabled = false;
  ChecksBlock target;
  target["evicting"].enabled = true;
  EXPECT_TRUE(CheckSettings::Merge(global, target).Enabled("evicting"));
  // A target block that only sets params keeps the global enabled flag.
  ChecksBlock params_only;
  params_only["evicting"].params["quiet"] = 60;
  const CheckSettings s = CheckSettings::Merge(global, params_only);
  EXPECT_FALSE(s.Enabled("evicting"));
  EXPECT_DOUBLE_EQ(s.Param("evicting", "quiet"), 60);
}

TEST(CheckSettingsDeathTest, UnknownNamesAreBugs) {
  const CheckSettings s;
  EXPECT_DEATH(s.Param("memory_high", "no_such_key"), "unknown parameter");
  EXPECT_DEATH(s.Enabled("no_such_check"), "unknown check");
}

}  // namespace check_settings_test
}  // namespace memwatch::checks
