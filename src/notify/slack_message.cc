#include "notify/slack_message.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "notify/check_titles.h"
#include "notify/headline.h"
#include "notify/text_util.h"

namespace memwatch::notify {
namespace {

using Json = nlohmann::ordered_json;
using alerting::Alert;
using alerting::Notification;

// Budgets inside one alert's section, so that a huge fix does not push out
// the evidence. The fix gets what is left of kSlackMaxSectionText, so the
// section never needs cutting across its code block.
constexpr size_t kMaxCheckName = 100;
constexpr size_t kMaxSummary = 600;
constexpr size_t kMaxEvidenceLines = 8;
constexpr size_t kMaxEvidenceLine = 150;
constexpr size_t kMaxFix = 1500;
constexpr size_t kMinFix = 80;  // below this, point elsewhere instead

static_assert(1 + 1 + kMaxDetailedAlerts + 1 + 1 <= kSlackMaxBlocks);

std::string Emoji(const Notification& n, const Alert& first) {
  if (n.test) return ":test_tube:";
  if (first.resolved) return ":white_check_mark:";
  switch (first.severity) {
    case Severity::kCritical:
      return ":red_circle:";
    case Severity::kWarning:
      return ":large_orange_circle:";
    case Severity::kInfo:
      break;
  }
  return ":large_blue_circle:";
}

Json Mrkdwn(const std::string& text) {
  return Json{{"type", "mrkdwn"}, {"text", TruncateUtf8(text, kSlackMaxSectionText)}};
}

Json Section(const std::string& text) { return Json{{"type", "section"}, {"text", Mrkdwn(text)}}; }

std::string AlertText(const Alert& a, WallTime created_at) {
  std::string t = fmt::format("*{}: {}* · `{}`\n", StatusLabel(a), EscapeSlack(CheckTitle(a.check)),
                              EscapeSlack(TruncateUtf8(a.check, kMaxCheckName)));
  t += EscapeSlack(TruncateUtf8(a.summary, kMaxSummary)) + "\n";
  if (!a.resolved && !a.evidence.empty()) {
    t += "*Evidence*\n";
    for (size_t i = 0; i < a.evidence.size() && i < kMaxEvidenceLines; ++i) {
      const std::string line = a.evidence[i].name + ": " + a.evidence[i].value;
      t += "• " + EscapeSlack(TruncateUtf8(line, kMaxEvidenceLine)) + "\n";
    }
    if (a.evidence.size() > kMaxEvidenceLines) {
      t += fmt::format("• …and {} more\n", a.evidence.size() - kMaxEvidenceLines);
    }
  }
  const std::string when = WhenLine(a, created_at);
  if (!a.resolved && !a.fix.empty()) {
    constexpr std::string_view kOpen = "*Fix*\n```", kClose = "```\n";
    const size_t used = t.size() + kOpen.size() + kClose.size() + when.size();
    const size_t room = used < kSlackMaxSectionText ? kSlackMaxSectionText - used : 0;
    // A ``` inside would close the code block early.
    std::string fix = a.fix;
    for (size_t p = fix.find("```"); p != std::string::npos; p = fix.find("```", p)) {
      fix.replace(p, 3, "'''");
    }
    fix = EscapeSlack(fix);
    if (room >= kMinFix) {
      t += std::string(kOpen) + TruncateUtf8(fix, std::min(room, kMaxFix)) + std::string(kClose);
    } else {
      t += "*Fix*: too long for Slack; see the email or the dashboard.\n";
    }
  }
  return t + when;
}

std::string CountText(const Notification& n) {
  int critical = 0, warning = 0, info = 0, resolved = 0;
  for (const Alert& a : n.alerts) {
    if (a.resolved) {
      ++resolved;
    } else {
      (a.severity == Severity::kCritical  ? critical
       : a.severity == Severity::kWarning ? warning
                                          : info)++;
    }
  }
  std::string parts;
  auto add = [&parts](int count, std::string_view what) {
    if (count == 0) return;
    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", count, what);
  };
  add(critical, "critical");
  add(warning, "warning");
  add(info, "info");
  add(resolved, "resolved");
  return fmt::format("*{} alerts on {}:* {}", n.alerts.size(), EscapeSlack(n.target), parts);
}

// The alerts that get no section of their own, one line each, cut to fit.
std::string RestText(const Notification& n) {
  const size_t rest = n.alerts.size() - kMaxDetailedAlerts;
  std::string t = fmt::format("*…and {} more:*\n", rest);
  const std::string cut_note = "\n…list cut to fit Slack's limits; see the dashboard.";
  for (size_t i = kMaxDetailedAlerts; i < n.alerts.size(); ++i) {
    const Alert& a = n.alerts[i];
    std::string line = fmt::format("• *{}* {} · `{}`\n", StatusLabel(a),
                                   EscapeSlack(CheckTitle(a.check)), EscapeSlack(a.check));
    if (t.size() + line.size() + cut_note.size() > kSlackMaxSectionText) return t + cut_note;
    t += line;
  }
  return t;
}

std::string ContextText(const Notification& n, const MessageOptions& options) {
  std::string t;
  if (const std::string url = SafeLinkUrl(options.external_url); !url.empty()) {
    t += fmt::format("<{}|Open dashboard> · ", url);
  }
  t += fmt::format("redis-memwatch · target `{}` · notification `{}`", EscapeSlack(n.target), n.id);
  return t;
}

}  // namespace

std::string FormatSlackMessage(const Notification& n, const MessageOptions& options) {
  const Alert& first = n.alerts.front();
  const std::string headline = Headline(n);
  Json blocks = Json::array();
  blocks.push_back(
      Json{{"type", "header"},
           {"text",
            {{"type", "plain_text"},
             {"text", TruncateUtf8(Emoji(n, first) + " " + headline, kSlackMaxHeaderText)},
             {"emoji", true}}}});
  if (n.alerts.size() > 1) blocks.push_back(Section(CountText(n)));
  for (size_t i = 0; i < n.alerts.size() && i < kMaxDetailedAlerts; ++i) {
    blocks.push_back(Section(AlertText(n.alerts[i], n.created_at)));
  }
  if (n.alerts.size() > kMaxDetailedAlerts) blocks.push_back(Section(RestText(n)));
  blocks.push_back(
      Json{{"type", "context"}, {"elements", Json::array({Mrkdwn(ContextText(n, options))})}});

  Json message;
  message["text"] = TruncateUtf8(headline, kSlackMaxSectionText);
  message["blocks"] = std::move(blocks);
  return message.dump(2, ' ', false, Json::error_handler_t::replace);
}

}  // namespace memwatch::notify
