#include "notify/test_alert.h"

#include <thread>

#include <fmt/format.h>

#include "alerting/notification_json.h"
#include "alerting/retry_policy.h"
#include "notify/check_titles.h"

namespace memwatch::notify {

alerting::Notification MakeTestNotification(const alerting::ReceiverConfig& receiver, WallTime now,
                                            size_t index) {
  alerting::Alert a;
  a.check = std::string(kTestCheck);
  a.severity = receiver.min_severity;
  a.summary = fmt::format(
      "This is a test notification from redis-memwatch to receiver {}. Nothing is wrong: if "
      "you can read this, alerts reach you.",
      receiver.name);
  a.evidence = {{"receiver", receiver.name},
                {"type", std::string(alerting::ReceiverTypeName(receiver.type()))}};
  a.fix = "Nothing to do.";
  a.started_at = now;
  alerting::Notification n;
  n.id = fmt::format("test-{:013d}-{}", alerting::ToUnixMillis(now), index);
  n.target = "redis-memwatch";
  n.receiver = receiver.name;
  n.created_at = now;
  n.test = true;
  n.alerts.push_back(std::move(a));
  return n;
}

std::vector<TestAlertResult> SendTestAlerts(const alerting::AlertingConfig& config,
                                            const NotifierDeps& deps, WallTime now) {
  std::vector<TestAlertResult> results(config.receivers.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < config.receivers.size(); ++i) {
    threads.emplace_back([&, i] {
      const alerting::ReceiverConfig& r = config.receivers[i];
      auto notifier = MakeNotifier(r, config, deps);
      const alerting::Classification c =
          alerting::Classify(notifier->Deliver(MakeTestNotification(r, now, i)));
      TestAlertResult& result = results[i];
      result.receiver = r.name;
      result.delivered = c.verdict == alerting::Verdict::kDelivered;
      if (c.verdict == alerting::Verdict::kTransient ||
          c.verdict == alerting::Verdict::kThrottled) {
        result.error = c.reason + " (temporary: a real alert would be retried)";
      } else if (!result.delivered) {
        result.error = c.reason;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace memwatch::notify
