#include "alerting/alerting_config.h"

#include <gtest/gtest.h>

namespace memwatch::alerting {
namespace alerting_config_test {

AlertingConfig WithWebhook(int line) {
  AlertingConfig c;
  ReceiverConfig r;
  r.name = "hook";
  r.line = line;
  r.settings = WebhookSettings{Secret("https://hooks.example.com/T0/abc"), {}};
  c.receivers.push_back(r);
  return c;
}

TEST(AlertingConfigTest, WhereAReceiverIsWrittenDoesNotMakeItDifferent) {
  EXPECT_EQ(WithWebhook(12), WithWebhook(40));
}

TEST(AlertingConfigTest, AnyDeliverySettingMakesItDifferent) {
  const AlertingConfig base = WithWebhook(12);
  AlertingConfig c = base;
  c.receivers[0].timeout = std::chrono::seconds(3);
  EXPECT_NE(c, base);
  c = base;
  std::get<WebhookSettings>(c.receivers[0].settings).url = Secret("https://hooks.example.com/T0/x");
  EXPECT_NE(c, base);
  c = base;
  std::get<WebhookSettings>(c.receivers[0].settings).headers.push_back({"A", Secret("b")});
  EXPECT_NE(c, base);
  c = base;
  c.receivers[0].settings = SlackSettings{Secret("https://hooks.example.com/T0/abc")};
  EXPECT_NE(c, base);
  c = base;
  c.state_dir = "/elsewhere";
  EXPECT_NE(c, base);
  c = base;
  c.external_url = "https://grafana.example.com";
  EXPECT_NE(c, base);
}

}  // namespace alerting_config_test
}  // namespace memwatch::alerting
