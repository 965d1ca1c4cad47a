// Glue between the net module's answers and alerting's DeliveryAttempt,
// shared by the HTTP notifiers.
#pragma once

#include <string>
#include <string_view>

#include "alerting/delivery_attempt.h"
#include "net/http_client.h"
#include "net/net_error.h"

namespace memwatch::notify {

alerting::TransportError ToTransportError(net::NetError e);

// "slack receiver oncall (https://hooks.slack.com/…)": how every message
// about a receiver names it. `url` is redacted here.
std::string Where(std::string_view type, std::string_view receiver, std::string_view url);

alerting::DeliveryAttempt ToAttempt(const net::HttpResponse& r, std::string where);

}  // namespace memwatch::notify
