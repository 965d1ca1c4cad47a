// The alerting part of the configuration as plain values: what the config
// loader produces from `state_dir:`, `alerting:` and `receivers:`, with every
// default applied and every secret wrapped in Secret. Validation (unique
// receiver names, known check names, one of webhook_url/webhook_url_file,
// reading *_file secrets, expanding ${VAR}) is the loader's job; these
// structs only describe the result.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "memwatch/clock.h"
#include "memwatch/finding.h"
#include "memwatch/secret.h"

namespace memwatch::alerting {

inline constexpr const char* kDefaultStateDir = "/var/lib/redis-memwatch";
// Alertmanager resolves an alert by itself once its endsAt passes, so its
// receivers are re-posted far more often than the human repeat_interval.
inline constexpr Duration kAlertmanagerRepeatInterval = std::chrono::minutes(1);
inline constexpr Duration kDefaultReceiverTimeout = std::chrono::seconds(10);

// `type: slack`: an incoming-webhook URL (from webhook_url or webhook_url_file).
struct SlackSettings {
  Secret webhook_url;
  bool operator==(const SlackSettings&) const = default;
};

enum class SmtpTls {
  kNone,      // plain SMTP; refuse AUTH unless the server is on loopback (loader's check)
  kStartTls,  // smtp:// + STARTTLS required (CURLUSESSL_ALL)
  kTls,       // smtps:// (implicit TLS, usually port 465)
};

// `type: email`.
struct EmailSettings {
  std::string host;  // from `smtp: host:port`
  int port = 587;
  SmtpTls tls = SmtpTls::kStartTls;
  std::string ca_file;   // "" = system CA store
  std::string username;  // "" = no AUTH
  Secret password;       // from password or password_file
  std::string from;      // bare address: alerts@example.com
  std::vector<std::string> to;
  bool operator==(const EmailSettings&) const = default;
};

// An HTTP header whose value may carry a token ("Bearer ${PAGER_TOKEN}").
struct HeaderSetting {
  std::string name;
  Secret value;
  bool operator==(const HeaderSetting&) const = default;
};

// `type: webhook`: the versioned JSON body of docs/webhook.md.
struct WebhookSettings {
  Secret url;  // may embed a token in its path or query
  std::vector<HeaderSetting> headers;
  bool operator==(const WebhookSettings&) const = default;
};

// `type: alertmanager`: each URL is a base such as http://127.0.0.1:9093;
// alerts go to <url>/api/v2/alerts, to each in turn until one accepts.
struct AlertmanagerSettings {
  std::vector<Secret> urls;
  bool operator==(const AlertmanagerSettings&) const = default;
};

enum class ReceiverType { kSlack, kEmail, kWebhook, kAlertmanager };

struct ReceiverConfig {
  std::string name;
  // Only findings at least this severe reach the receiver.
  Severity min_severity = Severity::kWarning;
  // Empty = every target / every check.
  std::vector<std::string> targets;
  std::vector<std::string> checks;
  // Overrides AlertingConfig::repeat_interval / send_resolved when set.
  std::optional<Duration> repeat_interval;
  std::optional<bool> send_resolved;
  // Bounds every delivery attempt (connect + TLS + request + response).
  Duration timeout = kDefaultReceiverTimeout;
  std::variant<SlackSettings, EmailSettings, WebhookSettings, AlertmanagerSettings> settings;
  int line = 0;  // where it is defined, for messages

  ReceiverType type() const { return static_cast<ReceiverType>(settings.index()); }
  // Equal settings; where the receiver is written in the file does not count.
  bool operator==(const ReceiverConfig& other) const;
};

struct AlertingConfig {
  std::string state_dir = kDefaultStateDir;  // the outbox lives in <state_dir>/outbox
  Duration repeat_interval = std::chrono::hours(4);
  bool send_resolved = true;
  // Poll interval the daemon switches a target to while it is close to
  // refusing writes (see src/app/fast_polling.h; not used here).
  Duration fast_interval = std::chrono::milliseconds(250);
  std::string external_url;  // dashboard link put in every message; "" = none
  // Per-check `for:`: how long a finding must stay active before it fires.
  // Checks not listed use 0 for critical findings and default_for otherwise.
  std::map<std::string, Duration, std::less<>> for_by_check;
  Duration default_for = Duration::zero();
  std::vector<ReceiverConfig> receivers;
  bool operator==(const AlertingConfig&) const = default;
};

std::string_view ReceiverTypeName(ReceiverType type);  // "slack" | "email" | ...

// The repeat interval that applies to `receiver`: its own, else one minute
// for Alertmanager, else the global one.
Duration EffectiveRepeatInterval(const ReceiverConfig& receiver, const AlertingConfig& config);

}  // namespace memwatch::alerting
