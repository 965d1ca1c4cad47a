#include "config/alerting_reader.h"

#include <string_view>

#include "checks/check_registry.h"
#include "config/http_url.h"

namespace memwatch::config {
namespace {

void ReadRepeatInterval(Walker& w, const Value& v, AlertingSpec& a) {
  if (std::optional<Duration> d = w.PositiveDuration(v)) a.config.repeat_interval = *d;
}

void ReadSendResolved(Walker& w, const Value& v, AlertingSpec& a) {
  if (std::optional<bool> b = w.Bool(v)) a.config.send_resolved = *b;
}

void ReadFastInterval(Walker& w, const Value& v, AlertingSpec& a) {
  if (std::optional<Duration> d = w.PositiveDuration(v)) {
    a.config.fast_interval = *d;
    a.fast_interval = {*d, v};
  }
}

void ReadExternalUrl(Walker& w, const Value& v, AlertingSpec& a) {
  std::optional<std::string> url = w.String(v);
  if (!url) return;
  if (Status s = CheckHttpUrl(*url); !s.ok()) {
    w.Error(v, s.message());
    return;
  }
  a.config.external_url = std::move(*url);
}

void ReadFor(Walker& w, const Value& v, AlertingSpec& a) {
  if (v.node.IsNull()) return;
  const std::vector<std::string_view> names = checks::AlertableCheckNames();
  w.ForEachEntry(v, [&](const Entry& entry) {
    if (!checks::IsAlertableCheck(entry.key)) {
      w.UnknownKey(entry, names, "check");
      return;
    }
    if (std::optional<Duration> d = w.NonNegativeDuration(entry.value)) {
      a.config.for_by_check[entry.key] = *d;
    }
  });
}

void ReadDefaultFor(Walker& w, const Value& v, AlertingSpec& a) {
  if (std::optional<Duration> d = w.NonNegativeDuration(v)) a.config.default_for = *d;
}

constexpr Field<AlertingSpec> kAlertingFields[] = {
    {"repeat_interval", ReadRepeatInterval},  // default 4h
    {"send_resolved", ReadSendResolved},      // default true
    {"fast_interval", ReadFastInterval},      // default 250ms
    {"external_url", ReadExternalUrl},        // default none
    {"for", ReadFor},                         // default: 0 for critical, default_for otherwise
    {"default_for", ReadDefaultFor},          // default 0s
};

}  // namespace

void ReadAlertingBlock(Walker& walker, const Value& block, AlertingSpec& out) {
  if (block.node.IsNull()) return;
  walker.ReadFields<AlertingSpec>(block, kAlertingFields, out);
}

std::vector<std::string> AlertingKeys() {
  std::vector<std::string> keys;
  for (const Field<AlertingSpec>& f : kAlertingFields) keys.push_back(JoinPath("alerting", f.key));
  return keys;
}

}  // namespace memwatch::config
