#include "notify/email_message.h"

#include <fmt/format.h>

#include "notify/check_titles.h"
#include "notify/headline.h"
#include "notify/mime.h"
#include "notify/text_util.h"
#include "notify/time_format.h"

namespace memwatch::notify {
namespace {

using alerting::Alert;
using alerting::Notification;

std::string Indent(std::string_view text, std::string_view prefix) {
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out += std::string(prefix) + std::string(text.substr(start, end - start)) + "\n";
    start = end + 1;
  }
  return out;
}

std::string_view Color(const Alert& a) {
  if (a.resolved) return "#2e7d32";
  return a.severity == Severity::kCritical  ? "#b00020"
         : a.severity == Severity::kWarning ? "#e65100"
                                            : "#1565c0";
}

std::string Domain(std::string_view address) {
  const size_t at = address.rfind('@');
  std::string domain = at == std::string_view::npos ? "" : OneLine(address.substr(at + 1));
  return domain.empty() || domain.find_first_of(" <>") != std::string::npos
             ? "redis-memwatch.invalid"
             : domain;
}

}  // namespace

std::string EmailText(const Notification& n, const MessageOptions& options) {
  std::string t = Headline(n) + "\n";
  for (const Alert& a : n.alerts) {
    t += fmt::format("\n{}: {} (check {})\n", StatusLabel(a), CheckTitle(a.check), a.check);
    t += a.summary + "\n";
    if (!a.resolved && !a.evidence.empty()) {
      t += "\nEvidence:\n";
      for (const Evidence& e : a.evidence) t += fmt::format("  {}: {}\n", e.name, e.value);
    }
    if (!a.resolved && !a.fix.empty()) t += "\nFix:\n" + Indent(a.fix, "  ");
    // Appended piece by piece: `"\n" + std::string&&` trips GCC 12's
    // -Wrestrict false positive (bug 105329) at -O3.
    t += '\n';
    t += WhenLine(a, n.created_at);
    t += '\n';
  }
  if (!options.external_url.empty()) t += "\nDashboard: " + options.external_url + "\n";
  t += fmt::format("\n-- \nredis-memwatch, target {}, notification {}\n", n.target, n.id);
  return t;
}

std::string EmailHtml(const Notification& n, const MessageOptions& options) {
  std::string h =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\n"
      "<body style=\"font-family:sans-serif;font-size:14px\">\n";
  h += fmt::format("<h2 style=\"color:{}\">{}</h2>\n", Color(n.alerts.front()),
                   EscapeHtml(Headline(n)));
  for (const Alert& a : n.alerts) {
    h += fmt::format("<h3 style=\"color:{}\">{}: {} <code>{}</code></h3>\n", Color(a),
                     EscapeHtml(StatusLabel(a)), EscapeHtml(CheckTitle(a.check)),
                     EscapeHtml(a.check));
    h += "<p>" + EscapeHtml(a.summary) + "</p>\n";
    if (!a.resolved && !a.evidence.empty()) {
      h += "<table style=\"border-collapse:collapse\">\n";
      for (const Evidence& e : a.evidence) {
        h += fmt::format(
            "<tr><td style=\"padding:2px 12px 2px 0;color:#555\">{}</td><td><b>{}</b></td></tr>\n",
            EscapeHtml(e.name), EscapeHtml(e.value));
      }
      h += "</table>\n";
    }
    if (!a.resolved && !a.fix.empty()) {
      h += "<p><b>Fix</b></p>\n<pre style=\"background:#f4f4f4;padding:8px\">" + EscapeHtml(a.fix) +
           "</pre>\n";
    }
    h += "<p style=\"color:#555\">" + EscapeHtml(WhenLine(a, n.created_at)) + "</p>\n";
  }
  if (const std::string url = SafeLinkUrl(options.external_url); !url.empty()) {
    h += fmt::format("<p><a href=\"{}\">Open dashboard</a></p>\n", EscapeHtml(url));
  }
  h += fmt::format(
      "<p style=\"color:#888;font-size:12px\">redis-memwatch, target {}, "
      "notification {}</p>\n</body></html>\n",
      EscapeHtml(n.target), EscapeHtml(n.id));
  return h;
}

EmailMessage FormatEmail(const Notification& n, const EmailOptions& options) {
  EmailMessage m;
  m.subject = OneLine(Headline(n));
  const std::string boundary = "=_memwatch_" + n.id;
  std::string to;
  for (const std::string& addr : options.to) to += (to.empty() ? "" : ", ") + OneLine(addr);
  std::string& d = m.data;
  d += "Date: " + FormatRfc5322(n.created_at) + "\r\n";
  d += "From: redis-memwatch <" + OneLine(options.from) + ">\r\n";
  d += "To: " + to + "\r\n";
  d += "Subject: " + EncodeHeader(TruncateUtf8(m.subject, 200)) + "\r\n";
  d += fmt::format("Message-ID: <{}.{}@{}>\r\n", n.id, "redis-memwatch", Domain(options.from));
  d += "MIME-Version: 1.0\r\n";
  d += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
  d += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no vacation replies
  d += "X-Redis-Memwatch-Target: " + EncodeHeader(OneLine(n.target)) + "\r\n";
  d += "X-Redis-Memwatch-Severity: " + std::string(SeverityName(alerting::HighestSeverity(n))) +
       "\r\n";
  d += "\r\nThis is a MIME message: use a mail reader that shows text or HTML.\r\n";
  for (const auto& [type, body] :
       {std::pair<std::string_view, std::string>{"text/plain", EmailText(n, options.message)},
        {"text/html", EmailHtml(n, options.message)}}) {
    d += "\r\n--" + boundary + "\r\n";
    d += fmt::format("Content-Type: {}; charset=utf-8\r\n", type);
    d += "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    d += QuotedPrintable(body);
  }
  d += "\r\n--" + boundary + "--\r\n";
  return m;
}

}  // namespace memwatch::notify
