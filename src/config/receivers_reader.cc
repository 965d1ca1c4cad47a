#include "config/receivers_reader.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "config/address.h"
#include "config/file_reader.h"
#include "config/http_url.h"
#include "config/receiver_spec.h"
#include "net/url_redaction.h"

namespace memwatch::config {
namespace {

using alerting::ReceiverType;

void Missing(Walker& w, const ReceiverSpec& r, std::string_view key, std::string_view message) {
  w.Error(r.where.mark, JoinPath(r.where.path, key), fmt::format("missing; {}", message));
}

// Exactly one of webhook_url and webhook_url_file; the file is read only
// then.
alerting::SlackSettings BuildSlack(Walker& w, const ReceiverSpec& r) {
  alerting::SlackSettings out = r.slack;
  const Value* url = r.At("webhook_url");
  const Value* file = r.At("webhook_url_file");
  if (url && file) {
    w.Error(*file, "webhook_url and webhook_url_file are mutually exclusive; keep one");
  } else if (!url && !file) {
    Missing(w, r, "webhook_url",
            "a slack receiver needs webhook_url (or webhook_url_file), the incoming-webhook URL");
  } else if (r.webhook_url_file) {
    const Located<std::string>& path = *r.webhook_url_file;
    Result<Secret> content = ReadSecretFile(path.value, "a webhook URL");
    if (!content.ok()) {
      w.Error(path.at, content.status().message());
    } else if (Status s = CheckHttpUrl(content.value().Reveal()); !s.ok()) {
      w.Error(path.at, fmt::format("the content of '{}': {}", path.value, s.message()));
    } else {
      out.webhook_url = std::move(content).value();
    }
  }
  return out;
}

// Required keys, credentials that go together, no password in clear over
// the network, a readable CA file.
alerting::EmailSettings BuildEmail(Walker& w, const ReceiverSpec& r) {
  alerting::EmailSettings out = r.email;
  if (!r.At("smtp")) {
    Missing(w, r, "smtp", "an email receiver needs smtp: host:port, e.g. smtp.example.com:587");
  }
  if (!r.At("from")) {
    Missing(w, r, "from",
            "an email receiver needs from: the sender address, e.g. redis-memwatch@example.com");
  }
  if (!r.At("to")) Missing(w, r, "to", "an email receiver needs to: one or more addresses");

  const Value* user = r.At("username");
  const Value* pass = r.At("password");
  const Value* pass_file = r.At("password_file");
  if (pass && pass_file) {
    w.Error(*pass_file, "password and password_file are mutually exclusive; keep one");
  } else if ((pass || pass_file) && !user) {
    w.Error(pass ? *pass : *pass_file, "a password needs a user name: set username");
  } else if (user && !pass && !pass_file) {
    w.Error(*user, "a user name needs a password: set password or password_file");
  } else if (r.password_file) {
    Result<Secret> secret = ReadSecretFile(r.password_file->value, "a password");
    if (secret.ok()) {
      out.password = std::move(secret).value();
    } else {
      w.Error(r.password_file->at, secret.status().message());
    }
  }

  const Value* tls = r.At("tls");
  if (tls && user && r.email.tls == alerting::SmtpTls::kNone && r.smtp &&
      !net::IsLoopbackHost(r.smtp->value.host)) {
    w.Error(*tls, fmt::format("tls: none would send the SMTP password in clear to {}; use "
                              "starttls or tls (plain SMTP with a password is allowed only to "
                              "localhost)",
                              r.smtp->value.host));
  }
  if (r.ca_file) {
    if (Status s = CheckReadableFile(r.ca_file->value); !s.ok()) {
      w.Error(r.ca_file->at, s.message());
    } else {
      out.ca_file = r.ca_file->value;
    }
  }
  return out;
}

// Applies the rules that involve several keys or receivers. `first_lines`
// maps the names seen so far to the line that defined them.
std::optional<alerting::ReceiverConfig> BuildReceiver(Walker& w, const ReceiverSpec& r,
                                                      std::span<const std::string> target_names,
                                                      std::map<std::string, int>& first_lines) {
  if (!r.written.contains("name")) {
    Missing(w, r, "name", "every receiver needs a unique name such as oncall");
  }
  if (r.name) {
    const auto [first, inserted] = first_lines.emplace(r.name->value, r.name->at.mark.line + 1);
    if (!inserted) {
      w.Error(r.name->at, fmt::format("duplicate receiver name '{}'; the first receiver with "
                                      "this name is at line {}",
                                      r.name->value, first->second));
    }
  }
  if (!r.written.contains("type")) {
    Missing(w, r, "type", "expected slack, email, webhook or alertmanager");
  }
  if (!target_names.empty()) {
    std::vector<std::string_view> names(target_names.begin(), target_names.end());
    for (const Located<std::string>& t : r.targets) {
      if (std::find(names.begin(), names.end(), t.value) == names.end()) {
        w.UnknownName(t.at.mark, t.at.path, t.value, names, "target");
      }
    }
  }
  if (!r.type) return std::nullopt;

  alerting::ReceiverConfig out = r.common;
  out.name = r.name ? r.name->value : "";
  out.line = r.where.mark.line + 1;
  for (const Located<std::string>& t : r.targets) out.targets.push_back(t.value);
  switch (*r.type) {
    case ReceiverType::kSlack:
      out.settings = BuildSlack(w, r);
      break;
    case ReceiverType::kEmail:
      out.settings = BuildEmail(w, r);
      break;
    case ReceiverType::kWebhook:
      if (!r.At("url")) {
        Missing(w, r, "url", "a webhook receiver needs url: an http:// or https:// URL");
      }
      out.settings = r.webhook;
      break;
    case ReceiverType::kAlertmanager:
      if (!r.At("urls")) {
        Missing(w, r, "urls",
                "an alertmanager receiver needs urls: one or more base URLs such as "
                "http://127.0.0.1:9093");
      }
      out.settings = r.alertmanager;
      break;
  }
  return out;
}

}  // namespace

std::vector<alerting::ReceiverConfig> ReadReceivers(Walker& walker, const Value& list,
                                                    std::span<const std::string> target_names) {
  std::vector<alerting::ReceiverConfig> receivers;
  if (list.node.IsNull()) return receivers;
  std::vector<ReceiverSpec> specs;
  walker.ForEachItem(list, [&](const Value& item) {
    ReceiverSpec& spec = specs.emplace_back();
    spec.where = item;
    ReadReceiverSpec(walker, item, spec);
  });
  std::map<std::string, int> first_lines;
  for (const ReceiverSpec& spec : specs) {
    if (!spec.where.node.IsMap()) continue;  // already reported
    if (auto r = BuildReceiver(walker, spec, target_names, first_lines)) {
      receivers.push_back(std::move(*r));
    }
  }
  return receivers;
}

std::vector<std::string> ReceiverKeys() {
  std::vector<std::string> keys;
  for (std::string_view key : ReceiverKeyNames()) keys.push_back("receivers[]." + std::string(key));
  return keys;
}

}  // namespace memwatch::config