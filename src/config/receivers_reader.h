// Reads the `receivers:` list into alerting::ReceiverConfigs: where
// notifications go (Slack, email, a webhook, Alertmanager) and which of
// them each receiver wants.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "alerting/alerting_config.h"
#include "config/yaml_walker.h"

namespace memwatch::config {

// Reads `list`; nothing or [] means no receivers (alerting off). Each
// receiver's `type:` decides which other keys it takes: a key of another
// type is reported as such, an unknown one with the nearest key of its type.
// Applies the rules between keys (required keys per type, exclusive
// credentials, unique names), reads webhook_url_file and password_file
// (relative to the config file), and checks every name in a `targets:`
// filter against `target_names`. Messages never contain a secret: URLs,
// header values and passwords are never quoted.
std::vector<alerting::ReceiverConfig> ReadReceivers(Walker& walker, const Value& list,
                                                    std::span<const std::string> target_names);

// Every key a receiver accepts, whatever its type, as "receivers[].KEY".
std::vector<std::string> ReceiverKeys();

}  // namespace memwatch::config
