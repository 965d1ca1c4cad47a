#include "config/receiver_spec.h"

#include <utility>

#include <fmt/format.h>

#include "checks/check_registry.h"
#include "config/file_reader.h"
#include "config/http_url.h"
#include "config/receiver_values.h"

namespace memwatch::config {
namespace {

using alerting::ReceiverType;

// The receiver types a key belongs to, one bit per ReceiverType.
using TypeMask = unsigned;
constexpr TypeMask Bit(ReceiverType t) { return TypeMask{1} << static_cast<unsigned>(t); }
constexpr TypeMask kSlack = Bit(ReceiverType::kSlack);
constexpr TypeMask kEmail = Bit(ReceiverType::kEmail);
constexpr TypeMask kWebhook = Bit(ReceiverType::kWebhook);
constexpr TypeMask kAlertmanager = Bit(ReceiverType::kAlertmanager);
constexpr TypeMask kAnyType = kSlack | kEmail | kWebhook | kAlertmanager;

// In ReceiverType order.
constexpr std::string_view kTypeNames[] = {"slack", "email", "webhook", "alertmanager"};
constexpr ReceiverType kTypes[] = {ReceiverType::kSlack, ReceiverType::kEmail,
                                   ReceiverType::kWebhook, ReceiverType::kAlertmanager};

// "a slack receiver", "an email receiver".
std::string WithArticle(ReceiverType type) {
  const std::string_view name = alerting::ReceiverTypeName(type);
  const bool vowel = std::string_view("aeiou").find(name[0]) != std::string_view::npos;
  return fmt::format("{} {} receiver", vowel ? "an" : "a", name);
}

// ---- Keys of every type ----------------------------------------------------

void ReadName(Walker& w, const Value& v, ReceiverSpec& r) {
  if (std::optional<std::string> name = w.LabelName(v)) r.name = {std::move(*name), v};
}

void ReadType(Walker& w, const Value& v, ReceiverSpec& r) {
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  for (size_t i = 0; i < std::size(kTypeNames); ++i) {
    if (*text == kTypeNames[i]) {
      r.type = kTypes[i];
      return;
    }
  }
  w.UnknownName(v.mark, v.path, *text, kTypeNames, "receiver type");
}

void ReadMinSeverity(Walker& w, const Value& v, ReceiverSpec& r) {
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  for (Severity s : {Severity::kInfo, Severity::kWarning, Severity::kCritical}) {
    if (*text == SeverityName(s)) {
      r.common.min_severity = s;
      return;
    }
  }
  w.Error(v, fmt::format("expected info, warning or critical, got '{}'", *text));
}

void ReadTargets(Walker& w, const Value& v, ReceiverSpec& r) {
  w.ForEachOneOrMore(v, "a target name", [&](const Value& item) {
    if (std::optional<std::string> name = w.String(item)) r.targets.push_back({*name, item});
  });
}

void ReadChecks(Walker& w, const Value& v, ReceiverSpec& r) {
  const std::vector<std::string_view> names = checks::AlertableCheckNames();
  w.ForEachOneOrMore(v, "a check name", [&](const Value& item) {
    std::optional<std::string> name = w.String(item);
    if (!name) return;
    if (!checks::IsAlertableCheck(*name)) {
      w.UnknownName(item.mark, item.path, *name, names, "check");
      return;
    }
    r.common.checks.push_back(std::move(*name));
  });
}

void ReadRepeatInterval(Walker& w, const Value& v, ReceiverSpec& r) {
  r.common.repeat_interval = w.PositiveDuration(v);
}

void ReadSendResolved(Walker& w, const Value& v, ReceiverSpec& r) {
  r.common.send_resolved = w.Bool(v);
}

void ReadTimeout(Walker& w, const Value& v, ReceiverSpec& r) {
  if (std::optional<Duration> d = w.PositiveDuration(v)) r.common.timeout = *d;
}

// ---- Secrets and paths -----------------------------------------------------

// An http(s) URL that may be a credential: never quoted in a message.
std::optional<Secret> ReadSecretUrl(Walker& w, const Value& v) {
  std::optional<std::string> url = w.String(v);
  if (!url) return std::nullopt;
  if (Status s = CheckHttpUrl(*url); !s.ok()) {
    w.Error(v, s.message());
    return std::nullopt;
  }
  return Secret(std::move(*url));
}

std::optional<Located<std::string>> ReadPath(Walker& w, const Value& v) {
  std::optional<std::string> path = w.NonEmptyString(v, "a file path");
  if (!path) return std::nullopt;
  return Located<std::string>{ResolveConfigPath(*path, w.file()), v};
}

// ---- slack -----------------------------------------------------------------

void ReadWebhookUrl(Walker& w, const Value& v, ReceiverSpec& r) {
  if (std::optional<Secret> url = ReadSecretUrl(w, v)) r.slack.webhook_url = std::move(*url);
}

void ReadWebhookUrlFile(Walker& w, const Value& v, ReceiverSpec& r) {
  r.webhook_url_file = ReadPath(w, v);
}

// ---- email -----------------------------------------------------------------

void ReadSmtp(Walker& w, const Value& v, ReceiverSpec& r) {
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  Result<HostPort> server = ParseHostPort(*text, 587);
  if (!server.ok()) {
    w.Error(v, server.status().message());
    return;
  }
  r.email.host = server.value().host;
  r.email.port = server.value().port;
  r.smtp = {std::move(server).value(), v};
}

void ReadTls(Walker& w, const Value& v, ReceiverSpec& r) {
  std::optional<std::string> text = w.String(v);
  if (!text) return;
  if (*text == "starttls") {
    r.email.tls = alerting::SmtpTls::kStartTls;
  } else if (*text == "tls") {
    r.email.tls = alerting::SmtpTls::kTls;
  } else if (*text == "none") {
    r.email.tls = alerting::SmtpTls::kNone;
  } else {
    w.Error(v, fmt::format("expected starttls (STARTTLS on port 587), tls (implicit TLS, port "
                           "465) or none, got '{}'",
                           *text));
  }
}

void ReadCaFile(Walker& w, const Value& v, ReceiverSpec& r) { r.ca_file = ReadPath(w, v); }

void ReadUsername(Walker& w, const Value& v, ReceiverSpec& r) {
  if (auto user = w.NonEmptyString(v, "a user name")) r.email.username = std::move(*user);
}

void ReadPassword(Walker& w, const Value& v, ReceiverSpec& r) {
  if (auto pass = w.NonEmptyString(v, "a password")) r.email.password = Secret(std::move(*pass));
}

void ReadPasswordFile(Walker& w, const Value& v, ReceiverSpec& r) {
  r.password_file = ReadPath(w, v);
}

std::optional<std::string> ReadAddress(Walker& w, const Value& v) {
  std::optional<std::string> address = w.String(v);
  if (!address) return std::nullopt;
  if (Status s = CheckEmailAddress(*address); !s.ok()) {
    w.Error(v, s.message());
    return std::nullopt;
  }
  return address;
}

void ReadFrom(Walker& w, const Value& v, ReceiverSpec& r) {
  if (std::optional<std::string> from = ReadAddress(w, v)) r.email.from = std::move(*from);
}

void ReadTo(Walker& w, const Value& v, ReceiverSpec& r) {
  if (v.node.IsSequence() && v.node.size() == 0) {
    w.Error(v, "expected at least one address");
    return;
  }
  w.ForEachOneOrMore(v, "an address such as ops@example.com", [&](const Value& item) {
    if (std::optional<std::string> to = ReadAddress(w, item)) r.email.to.push_back(*to);
  });
}

// ---- webhook ---------------------------------------------------------------

void ReadUrl(Walker& w, const Value& v, ReceiverSpec& r) {
  if (std::optional<Secret> url = ReadSecretUrl(w, v)) r.webhook.url = std::move(*url);
}

void ReadHeaders(Walker& w, const Value& v, ReceiverSpec& r) {
  if (v.node.IsNull()) return;
  std::map<std::string, int> first_line;  // lower-case name -> line
  w.ForEachEntry(v, [&](const Entry& entry) {
    if (Status s = CheckHeaderName(entry.key); !s.ok()) {
      w.Error(entry.key_mark, entry.value.path, s.message());
      return;
    }
    const auto [first, inserted] =
        first_line.emplace(LowerAscii(entry.key), entry.key_mark.line + 1);
    if (!inserted) {
      w.Error(entry.key_mark, entry.value.path,
              fmt::format("repeated header; it is already set at line {} (header names ignore "
                          "case)",
                          first->second));
      return;
    }
    std::optional<std::string> value = w.String(entry.value);
    if (!value) return;
    if (value->find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      w.Error(entry.value, "a header value cannot contain line breaks");
      return;
    }
    r.webhook.headers.push_back({entry.key, Secret(std::move(*value))});
  });
}

// ---- alertmanager ----------------------------------------------------------

void ReadUrls(Walker& w, const Value& v, ReceiverSpec& r) {
  if (v.node.IsSequence() && v.node.size() == 0) {
    w.Error(v, "expected at least one Alertmanager URL");
    return;
  }
  w.ForEachOneOrMore(v, "a URL such as http://127.0.0.1:9093", [&](const Value& item) {
    std::optional<Secret> url = ReadSecretUrl(w, item);
    if (!url) return;
    if (url->Reveal().find_first_of("?#") != std::string::npos) {
      w.Error(item,
              "an Alertmanager URL is a base such as http://127.0.0.1:9093, with no query or "
              "fragment: /api/v2/alerts is appended to it");
      return;
    }
    r.alertmanager.urls.push_back(std::move(*url));
  });
}

// ---- The table -------------------------------------------------------------

struct ReceiverField {
  std::string_view key;
  void (*read)(Walker& walker, const Value& value, ReceiverSpec& out);
  TypeMask types;
};

constexpr ReceiverField kReceiverFields[] = {
    {"name", ReadName, kAnyType},
    {"type", ReadType, kAnyType},
    {"min_severity", ReadMinSeverity, kAnyType},  // default warning
    {"targets", ReadTargets, kAnyType},           // default: every target
    {"checks", ReadChecks, kAnyType},             // default: every check
    {"repeat_interval", ReadRepeatInterval, kAnyType},
    {"send_resolved", ReadSendResolved, kAnyType},
    {"timeout", ReadTimeout, kAnyType},  // default 10s
    {"webhook_url", ReadWebhookUrl, kSlack},
    {"webhook_url_file", ReadWebhookUrlFile, kSlack},
    {"smtp", ReadSmtp, kEmail},
    {"tls", ReadTls, kEmail},  // default starttls
    {"ca_file", ReadCaFile, kEmail},
    {"username", ReadUsername, kEmail},
    {"password", ReadPassword, kEmail},
    {"password_file", ReadPasswordFile, kEmail},
    {"from", ReadFrom, kEmail},
    {"to", ReadTo, kEmail},
    {"url", ReadUrl, kWebhook},
    {"headers", ReadHeaders, kWebhook},
    {"urls", ReadUrls, kAlertmanager},
};

const ReceiverField* FindField(std::string_view key) {
  for (const ReceiverField& f : kReceiverFields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

// The keys a receiver of `type` takes; every key when the type is unknown.
std::vector<std::string_view> AllowedKeys(std::optional<ReceiverType> type) {
  std::vector<std::string_view> keys;
  for (const ReceiverField& f : kReceiverFields) {
    if (!type || (f.types & Bit(*type)) != 0) keys.push_back(f.key);
  }
  return keys;
}

// "webhook_url is not a key of an email receiver; only slack receivers take
// it".
std::string NotOfThisType(const ReceiverField& field, ReceiverType type) {
  std::vector<std::string_view> owners;
  for (ReceiverType t : kTypes) {
    if ((field.types & Bit(t)) != 0) owners.push_back(alerting::ReceiverTypeName(t));
  }
  return fmt::format("{} is not a key of {}; only {} receivers take it", field.key,
                     WithArticle(type), fmt::join(owners, " and "));
}

}  // namespace

void ReadReceiverSpec(Walker& walker, const Value& item, ReceiverSpec& out) {
  std::vector<Entry> entries;
  if (!walker.ForEachEntry(item, [&](const Entry& e) { entries.push_back(e); })) return;
  // The type decides which other keys are allowed, wherever it is written.
  for (const Entry& e : entries) {
    if (e.key == "type") {
      out.written.emplace(e.key, e.value);
      ReadType(walker, e.value, out);
    }
  }
  const std::vector<std::string_view> allowed = AllowedKeys(out.type);
  for (const Entry& e : entries) {
    if (e.key == "type") continue;
    const ReceiverField* field = FindField(e.key);
    if (field == nullptr) {
      walker.UnknownKey(e, allowed);
    } else if (out.type && (field->types & Bit(*out.type)) == 0) {
      walker.Error(e.key_mark, e.value.path, NotOfThisType(*field, *out.type));
    } else {
      out.written.emplace(e.key, e.value);
      field->read(walker, e.value, out);
    }
  }
}

std::vector<std::string_view> ReceiverKeyNames() {
  std::vector<std::string_view> keys;
  for (const ReceiverField& f : kReceiverFields) keys.push_back(f.key);
  return keys;
}

}  // namespace memwatch::config
