// packaging/config.yml shows every check, commented out, with every setting
// at its default ("the values shown are the defaults"): checked against the
// check registry by loading those lines, uncommented.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <string>

#include "checks/check_registry.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace packaged_config_test {

// The commented-out entries of the top-level `checks:` block:
// "  # memory_high: {enabled: true, warning: 85%}" -> "  memory_high: {...}".
std::string CommentedChecks() {
  std::ifstream in(std::string(MEMWATCH_SOURCE_DIR) + "/packaging/config.yml");
  static const std::regex kEntry(R"(^  # ([a-z_]+: \{.*\})$)");
  std::string block = "checks:\n";
  bool in_checks = false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != ' ' && line[0] != '#') in_checks = line == "checks:";
    std::smatch m;
    if (in_checks && std::regex_match(line, m, kEntry)) block += "  " + m[1].str() + "\n";
  }
  return block;
}

TEST(PackagedConfigTest, ShowsEveryCheckWithEverySettingAtItsDefault) {
  const std::string yaml = CommentedChecks();
  const LoadResult r = testutil::Load(yaml + testutil::kTarget);
  ASSERT_TRUE(r.ok()) << yaml << testutil::AllErrors(r);
  const checks::ChecksBlock& shown = r.config->checks;
  for (const checks::CheckSpec& spec : checks::AllChecks()) {
    auto it = shown.find(spec.name);
    ASSERT_NE(it, shown.end()) << spec.name << " is missing from packaging/config.yml";
    EXPECT_EQ(it->second.enabled, spec.enabled_by_default) << spec.name;
    std::set<std::string> keys;
    for (const checks::ParamSpec& p : spec.params) {
      keys.insert(std::string(p.key));
      auto value = it->second.params.find(p.key);
      if (value == it->second.params.end()) {
        ADD_FAILURE() << spec.name << "." << p.key << " is missing from packaging/config.yml";
        continue;
      }
      EXPECT_DOUBLE_EQ(value->second, p.default_value)
          << spec.name << "." << p.key << " is not shown at its default";
    }
  }
  EXPECT_EQ(shown.size(), checks::AllChecks().size());
}

}  // namespace packaged_config_test
}  // namespace memwatch::config
