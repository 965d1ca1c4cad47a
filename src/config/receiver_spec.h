// One receiver as written in `receivers:`, each key read and checked alone
// (stage 2 of the loader). The rules between keys, and between receivers,
// are receivers_reader's. Internal to the config module.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/alerting_config.h"
#include "config/address.h"
#include "config/yaml_walker.h"

namespace memwatch::config {

// A receiver as written: each key read and checked alone, into the settings
// of every type; the type picks one when the receiver is built.
struct ReceiverSpec {
  Value where;  // the receiver's mapping
  std::optional<alerting::ReceiverType> type;
  // Where each accepted key is written, valid or not: rules between keys are
  // reported even when a value is also wrong.
  std::map<std::string, Value, std::less<>> written;
  std::optional<Located<std::string>> name;
  std::vector<Located<std::string>> targets;
  alerting::ReceiverConfig common;  // min_severity, checks, overrides, timeout
  alerting::SlackSettings slack;
  std::optional<Located<std::string>> webhook_url_file;
  alerting::EmailSettings email;
  std::optional<Located<HostPort>> smtp;
  std::optional<Located<std::string>> password_file;
  std::optional<Located<std::string>> ca_file;
  alerting::WebhookSettings webhook;
  alerting::AlertmanagerSettings alertmanager;

  const Value* At(std::string_view key) const {
    auto it = written.find(key);
    return it == written.end() ? nullptr : &it->second;
  }
};

// Reads the receiver mapping `item` into `out`. Its `type:` is read first,
// wherever it is written, and decides which other keys are allowed: a key
// of another type is reported as such, an unknown key with the nearest key
// of the type (of any type when the type is unknown). Reports a non-mapping
// and leaves `out.written` empty.
void ReadReceiverSpec(Walker& walker, const Value& item, ReceiverSpec& out);

// Every key a receiver accepts, whatever its type, in table order.
std::vector<std::string_view> ReceiverKeyNames();

}  // namespace memwatch::config
