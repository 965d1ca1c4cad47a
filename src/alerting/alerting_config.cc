#include "alerting/alerting_config.h"

#include <tuple>

namespace memwatch::alerting {

std::string_view ReceiverTypeName(ReceiverType type) {
  switch (type) {
    case ReceiverType::kSlack:
      return "slack";
    case ReceiverType::kEmail:
      return "email";
    case ReceiverType::kWebhook:
      return "webhook";
    case ReceiverType::kAlertmanager:
      return "alertmanager";
  }
  return "unknown";
}

Duration EffectiveRepeatInterval(const ReceiverConfig& receiver, const AlertingConfig& config) {
  if (receiver.repeat_interval) return *receiver.repeat_interval;
  if (receiver.type() == ReceiverType::kAlertmanager) return kAlertmanagerRepeatInterval;
  return config.repeat_interval;
}

bool ReceiverConfig::operator==(const ReceiverConfig& other) const {
  auto fields = [](const ReceiverConfig& r) {
    return std::tie(r.name, r.min_severity, r.targets, r.checks, r.repeat_interval, r.send_resolved,
                    r.timeout, r.settings);
  };
  return fields(*this) == fields(other);
}

}  // namespace memwatch::alerting
