#include "alerting/alerting_config.h"

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

}  // namespace memwatch::alerting
