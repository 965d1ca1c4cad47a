// Builds the notifier for a configured receiver: the one place that knows
// which receiver type maps to which notifier class.
#pragma once

#include <memory>

#include "alerting/alerting_config.h"
#include "alerting/notifier.h"
#include "memwatch/clock.h"
#include "net/http_client.h"
#include "net/smtp_client.h"

namespace memwatch::notify {

// Not owned; must outlive every notifier built with them.
struct NotifierDeps {
  net::HttpClient* http = nullptr;
  net::SmtpClient* smtp = nullptr;
  const Clock* clock = nullptr;
};

std::unique_ptr<alerting::Notifier> MakeNotifier(const alerting::ReceiverConfig& receiver,
                                                 const alerting::AlertingConfig& config,
                                                 const NotifierDeps& deps);

}  // namespace memwatch::notify
