#include "app/test_alert_command.h"

#include <algorithm>
#include <cstdio>

#include "config/config_loader.h"
#include "net/curl_http_client.h"
#include "net/curl_smtp_client.h"
#include "notify/test_alert.h"

namespace memwatch::app {

int RunTestAlert(const Command& cmd) {
  config::LoadResult loaded = config::LoadConfigFile(cmd.config_path, config::ProcessEnv());
  if (!loaded.ok()) {
    (void)std::fputs(config::ErrorReport(loaded.errors).c_str(), stderr);
    return kExitConfig;
  }
  alerting::AlertingConfig alerting = loaded.config->alerting;
  if (cmd.receiver) {
    std::erase_if(alerting.receivers,
                  [&](const alerting::ReceiverConfig& r) { return r.name != *cmd.receiver; });
    if (alerting.receivers.empty()) {
      (void)std::fprintf(stderr, "test-alert: %s has no receiver named %s\n",
                         cmd.config_path.c_str(), cmd.receiver->c_str());
      return kExitConfig;
    }
  }
  if (alerting.receivers.empty()) {
    (void)std::fprintf(stderr, "test-alert: %s configures no receivers\n", cmd.config_path.c_str());
    return kExitConfig;
  }
  net::CurlHttpClient http;
  net::CurlSmtpClient smtp;
  SystemClock clock;
  const std::vector<notify::TestAlertResult> results =
      notify::SendTestAlerts(alerting, notify::NotifierDeps{&http, &smtp, &clock}, clock.WallNow());
  size_t width = 0;
  for (const notify::TestAlertResult& r : results) width = std::max(width, r.receiver.size());
  int failed = 0;
  for (const notify::TestAlertResult& r : results) {
    if (r.delivered) {
      std::printf("%-*s  delivered\n", static_cast<int>(width), r.receiver.c_str());
    } else {
      ++failed;
      std::printf("%-*s  FAILED: %s\n", static_cast<int>(width), r.receiver.c_str(),
                  r.error.c_str());
    }
  }
  std::printf("%zu of %zu receiver(s) accepted the test message\n", results.size() - failed,
              results.size());
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace memwatch::app
