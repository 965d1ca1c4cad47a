// Every metric name used by a Prometheus rule or a Grafana panel must be one
// the daemon exports (src/metrics/metric_names.h), so a rename fails here
// instead of silently breaking an alert or a panel.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "metrics/metric_names.h"

namespace memwatch::metrics {
namespace ops_metric_names_test {

std::string Read(const std::string& relative) {
  std::ifstream in(std::string(MEMWATCH_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Metric-like identifiers (redis_...) in `text`, with histogram suffixes removed.
std::set<std::string> MetricNamesIn(const std::string& text) {
  static const std::regex kName(R"(\bredis_[a-z0-9_]+\b)");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), kName);
       it != std::sregex_iterator(); ++it) {
    std::string name = it->str();
    for (std::string_view suffix : {"_bucket", "_count", "_sum"}) {
      if (name.ends_with(suffix) && name.find("_seconds") != std::string::npos) {
        name.resize(name.size() - suffix.size());
      }
    }
    out.insert(name);
  }
  return out;
}

bool Declared(const std::string& name) {
  auto all = AllMetricNames();
  return std::find(all.begin(), all.end(), name) != all.end();
}

// Identifiers that look like metrics but are not: rule group names, the
// redis-memwatch job name written with underscores, anchors.
bool Ignored(const std::string& name) { return name == "redis_memwatch"; }

void ExpectAllDeclared(const std::string& file) {
  std::string text = Read(file);
  ASSERT_FALSE(text.empty()) << file << " is missing or empty";
  std::set<std::string> names = MetricNamesIn(text);
  EXPECT_FALSE(names.empty()) << file;
  for (const std::string& n : names) {
    if (Ignored(n)) continue;
    EXPECT_TRUE(Declared(n)) << file << " uses " << n
                             << ", which src/metrics/metric_names.h does not declare";
  }
}

TEST(OpsMetricNamesTest, RulesUseOnlyDeclaredMetrics) {
  ExpectAllDeclared("rules/redis-memwatch.rules.yml");
}

TEST(OpsMetricNamesTest, DashboardUsesOnlyDeclaredMetrics) {
  ExpectAllDeclared("grafana/redis-memwatch.json");
}

TEST(OpsMetricNamesTest, TheScanFindsARenamedMetric) {
  // The scanner itself must be able to fail.
  std::set<std::string> names = MetricNamesIn("rate(redis_memory_usd_bytes[5m])");
  ASSERT_EQ(names.size(), 1u);
  EXPECT_FALSE(Declared(*names.begin()));
  EXPECT_TRUE(Declared(*MetricNamesIn("redis_memwatch_probe_duration_seconds_bucket").begin()));
}

}  // namespace ops_metric_names_test
}  // namespace memwatch::metrics
