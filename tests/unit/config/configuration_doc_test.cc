// docs/configuration.md lists every key the loader accepts, and only those.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "config/config_loader.h"
#include "config_test_util.h"

namespace memwatch::config {
namespace configuration_doc_test {

// The first column of every table row: "| `key` | ...".
std::set<std::string> DocumentedKeys() {
  std::ifstream in(std::string(MEMWATCH_SOURCE_DIR) + "/docs/configuration.md");
  std::set<std::string> keys;
  static const std::regex kRow(R"(^\| `([a-z_\[\]\.]+)` \|)");
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, kRow)) keys.insert(m[1]);
  }
  return keys;
}

TEST(ConfigurationDocTest, EveryKeyIsDocumentedAndEveryDocumentedKeyExists) {
  std::set<std::string> documented = DocumentedKeys();
  ASSERT_FALSE(documented.empty()) << "docs/configuration.md has no key table";
  std::vector<std::string> known = KnownConfigKeys();
  for (const std::string& k : known) {
    EXPECT_TRUE(documented.contains(k)) << k << " is accepted but not in docs/configuration.md";
  }
  std::set<std::string> known_set(known.begin(), known.end());
  for (const std::string& k : documented) {
    EXPECT_TRUE(known_set.contains(k)) << k << " is documented but the loader rejects it";
  }
}

TEST(ConfigurationDocTest, TheDocumentedExampleLoads) {
  std::ifstream in(std::string(MEMWATCH_SOURCE_DIR) + "/docs/configuration.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  size_t start = doc.find("```yaml\n", doc.find("## A complete example"));
  ASSERT_NE(start, std::string::npos);
  start += 8;
  std::string yaml = doc.substr(start, doc.find("```", start) - start);
  // password_file must exist to load; the example is checked without it.
  yaml = std::regex_replace(yaml, std::regex(".*password_file.*\n"), "");
  // Variables named *_URL hold URLs, the others passwords and tokens.
  LoadResult r = LoadConfigText(yaml, "configuration.md", [](std::string_view name) {
    return std::optional<std::string>(name.ends_with("_URL") ? "https://hooks.example.com/x"
                                                             : "secret");
  });
  for (const ConfigError& e : r.errors) ADD_FAILURE() << e.ToString();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->targets.size(), 2u);
  EXPECT_EQ(r.config->alerting.receivers.size(), 5u);
}

TEST(ConfigurationDocTest, TheTargetDefaultsExampleLoads) {
  std::ifstream in(std::string(MEMWATCH_SOURCE_DIR) + "/docs/configuration.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string doc = ss.str();
  size_t start = doc.find("```yaml\n", doc.find("### Target defaults"));
  ASSERT_NE(start, std::string::npos);
  start += 8;
  std::string yaml = doc.substr(start, doc.find("```", start) - start);
  testutil::TempDir dir;
  const std::string pass = dir.Write("fleet.pass", "fleet-pw\n");
  yaml = std::regex_replace(yaml, std::regex("/etc/redis-memwatch/fleet.pass"), pass);
  LoadResult r = testutil::Load(yaml, testutil::FakeEnv({{"REPORTS_PASSWORD", "own-pw"}}));
  for (const ConfigError& e : r.errors) ADD_FAILURE() << e.ToString();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.config->targets.size(), 3u);
  EXPECT_EQ(r.config->targets[0].provider, Provider::kElastiCache);
  EXPECT_EQ(r.config->targets[1].password, Secret("fleet-pw"));
  EXPECT_EQ(r.config->targets[2].provider, std::nullopt);
  EXPECT_EQ(r.config->targets[2].username, "memwatch");
  EXPECT_EQ(r.config->targets[2].password, Secret("own-pw"));
}

}  // namespace configuration_doc_test
}  // namespace memwatch::config
