#include "metrics/status_page.h"

#include <algorithm>
#include <cmath>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checks/format.h"
#include "memwatch/escape_html.h"
#include "metrics/keyspace_status.h"
#include "metrics/receiver_status.h"
#include "metrics/sparkline.h"

namespace memwatch::metrics {
namespace {

constexpr std::string_view kCss = R"css(
body{font:15px/1.4 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#1d2330;color:#fff;padding:.8em 1em}
header h1{font-size:1.2em;margin:0}
header p{margin:.3em 0 0;color:#c8cdd6}
header a{color:#9cc3ff}
main{padding:.5em;max-width:60em;margin:0 auto}
section{background:#fff;border-radius:6px;margin:.6em 0;padding:.6em .9em;border-left:6px solid #9aa3b2;overflow-wrap:anywhere}
section.down,section.critical{border-left-color:#c62828}
section.warning{border-left-color:#ef8f00}
section.ok{border-left-color:#2e7d32}
h2{font-size:1.05em;margin:.2em 0}
.badge{display:inline-block;font-size:.75em;padding:.1em .5em;border-radius:3px;background:#9aa3b2;color:#fff;vertical-align:middle}
.down .badge,.critical .badge{background:#c62828}
.warning .badge{background:#ef8f00}
.ok .badge{background:#2e7d32}
meter{width:100%;height:1em}
.facts{margin:.2em 0;color:#4a5262}
details{margin:.4em 0}
summary{cursor:pointer}
pre{background:#f0f2f5;padding:.5em;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.9em}
h2 a{color:inherit}
table{border-collapse:collapse;margin:.3em 0;font-size:.92em}
td,th{text-align:left;vertical-align:top;padding:.15em .6em .15em 0}
h3{font-size:1em;margin:.5em 0 .1em}
.notifications .state{font-weight:bold}
.notifications .retrying .state,.notifications .failed .state,.notifications .dropped .state{color:#c62828}
.notifications .sent .state{color:#2e7d32}
.notifications .ago{white-space:nowrap;color:#4a5262}
.role{font-size:.8em;color:#4a5262;font-weight:normal}
.spark{display:block;width:100%;height:3.2em;margin:.3em 0;background:#f0f2f5;border-radius:3px}
.spark *{vector-effect:non-scaling-stroke}
.spark .used{fill:none;stroke:#1d6fd8;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.spark .limit{stroke:#c62828;stroke-width:1;stroke-dasharray:4 3}
.spark .forecast{stroke:#ef8f00;stroke-width:1.5;stroke-dasharray:3 2}
.spark .now{stroke:#9aa3b2;stroke-width:1}
.prefixes td{text-align:right;white-space:nowrap}
.prefixes th{text-align:right}
.prefixes td:first-child,.prefixes th:first-child{text-align:left;white-space:normal}
.prefixes td:first-child{font-family:ui-monospace,monospace;font-size:.95em}
@media (max-width:32em){
.prefixes,.prefixes tbody,.prefixes tr{display:block}
.prefixes thead{display:none}
.prefixes tr{padding:.25em 0;border-top:1px solid #e3e6eb}
.prefixes td{display:inline-block;padding:0 .9em 0 0;text-align:left}
.prefixes td:first-child{display:block;padding:0}
.prefixes td::before{color:#4a5262}
.prefixes td:nth-child(2)::before{content:"keys "}
.prefixes td:nth-child(3)::before{content:"no TTL "}
.prefixes td:nth-child(4)::before{content:"bytes "}
.prefixes td:nth-child(5)::before{content:"share "}
}
)css";

// Fetches the page again every refresh interval and swaps in its header
// and main part: no reload flash, open details stay open. Text only comes
// in as parsed HTML of the daemon's own page, already escaped there.
constexpr std::string_view kScript = R"js(
(function () {
  var every = Math.max(1, Number(document.body.dataset.refresh) || 5) * 1000;
  function openIds() {
    return Array.prototype.map.call(document.querySelectorAll('details[open][id]'),
                                    function (d) { return d.id; });
  }
  function tick() {
    fetch(location.href, {cache: 'no-store'}).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (text) {
      if (!text) return;
      var open = openIds();
      var fresh = new DOMParser().parseFromString(text, 'text/html');
      ['header', 'main'].forEach(function (tag) {
        var now = document.querySelector(tag), next = fresh.querySelector(tag);
        if (now && next) now.replaceWith(document.importNode(next, true));
      });
      open.forEach(function (id) {
        var d = document.getElementById(id);
        if (d) d.open = true;
      });
    }).catch(function () {}).then(function () { setTimeout(tick, every); });
  }
  setTimeout(tick, every);
})();
)js";

// A gauge in the page's colours, so a browser asks for nothing the daemon
// does not serve.
constexpr std::string_view kIcon =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
    "<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"#1d2330\"/>"
    "<rect x=\"3\" y=\"9\" width=\"2.5\" height=\"4\" fill=\"#2e7d32\"/>"
    "<rect x=\"6.75\" y=\"6\" width=\"2.5\" height=\"7\" fill=\"#ef8f00\"/>"
    "<rect x=\"10.5\" y=\"3\" width=\"2.5\" height=\"10\" fill=\"#c62828\"/></svg>\n";

std::string_view Badge(const TargetStatus& t, std::string_view* css_class) {
  if (!t.polled) {
    *css_class = "pending";
    return "waiting for the first poll";
  }
  if (!t.up) {
    *css_class = "down";
    return "DOWN";
  }
  int worst = -1;
  for (const Finding& f : t.findings) worst = std::max(worst, static_cast<int>(f.severity));
  if (worst == static_cast<int>(Severity::kCritical)) {
    *css_class = "critical";
    return "CRITICAL";
  }
  if (worst == static_cast<int>(Severity::kWarning)) {
    *css_class = "warning";
    return "WARNING";
  }
  *css_class = "ok";
  return "OK";
}

std::string UtcTime(double wall) {
  const auto t = static_cast<std::time_t>(wall);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void RenderMemory(const TargetStatus& t, std::string* out) {
  if (!t.used_memory.has_value()) return;
  if (!t.limit.has_value() || t.limit->bytes <= 0) {
    *out += fmt::format("<p class=\"facts\">used {}</p>", checks::FormatBytes(*t.used_memory));
    return;
  }
  const double share = static_cast<double>(*t.used_memory) / static_cast<double>(t.limit->bytes);
  *out += fmt::format(
      "<p class=\"facts\">used {} of {} ({}), limit from {}</p>"
      "<meter min=\"0\" max=\"1\" low=\"0.85\" high=\"0.95\" optimum=\"0\" value=\"{:.4f}\">"
      "{}</meter>",
      checks::FormatBytes(*t.used_memory), checks::FormatBytes(t.limit->bytes),
      checks::FormatPercent(share), EscapeHtml(t.limit->source), std::clamp(share, 0.0, 1.0),
      checks::FormatPercent(share));
}

// "primary" or "replica" from INFO's role, in people's words.
std::string_view RoleName(const std::string& role) {
  if (role == "master") return "primary";
  if (role == "slave") return "replica";
  return role;
}

// One target's section: on the index (`detailed` false: its name links to
// its page) or on its own page (with the evidence of every finding).
void RenderTarget(const TargetStatus& t, double now_wall, bool detailed, std::string* out) {
  std::string_view css;
  const std::string_view badge = Badge(t, &css);
  const std::string name = EscapeHtml(t.name);
  *out += fmt::format(
      "<section class=\"{}\"><h2><span class=\"badge\">{}</span> {}{}</h2>", css, badge,
      detailed ? name : fmt::format("<a href=\"targets/{}\">{}</a>", name, name),
      t.role.has_value()
          ? fmt::format(" <span class=\"role\">{}</span>", EscapeHtml(RoleName(*t.role)))
          : std::string());
  if (t.polled && !t.up) {
    *out +=
        t.last_success_wall.has_value()
            ? fmt::format("<p class=\"facts\">not answering; last successful poll {} ({} ago)</p>",
                          UtcTime(*t.last_success_wall),
                          checks::FormatDuration(now_wall - *t.last_success_wall))
            : std::string("<p class=\"facts\">not answering since the daemon started</p>");
  }
  RenderMemory(t, out);
  *out += RenderSparkline(
      {t.history, t.limit.has_value() ? std::optional<int64_t>(t.limit->bytes) : std::nullopt,
       t.time_to_full_seconds, now_wall});
  if (t.time_to_full_seconds.has_value() && std::isfinite(*t.time_to_full_seconds)) {
    *out += fmt::format("<p class=\"facts\">full in about {} at the current growth</p>",
                        checks::FormatDuration(*t.time_to_full_seconds));
  }
  if (t.maxmemory_policy.has_value()) {
    *out +=
        fmt::format("<p class=\"facts\">maxmemory-policy {}</p>", EscapeHtml(*t.maxmemory_policy));
  }
  for (const Finding& f : t.findings) {
    *out += fmt::format("<details id=\"{}-{}\"{}><summary><b>{}</b> {}: {}</summary>", name,
                        EscapeHtml(f.check), f.severity == Severity::kInfo ? "" : " open",
                        SeverityName(f.severity), EscapeHtml(f.check), EscapeHtml(f.summary));
    if (detailed && !f.evidence.empty()) {
      *out += "<table>";
      for (const Evidence& e : f.evidence) {
        *out +=
            fmt::format("<tr><th>{}</th><td>{}</td></tr>", EscapeHtml(e.name), EscapeHtml(e.value));
      }
      *out += "</table>";
    }
    if (!f.fix.empty()) *out += fmt::format("<pre>{}</pre>", EscapeHtml(f.fix));
    *out += "</details>";
  }
  if (t.keyspace.has_value()) AppendKeyspaceHtml(out, *t.keyspace);
  *out += "</section>\n";
}

void RenderPollErrors(const TargetStatus& t, std::string* out) {
  *out += "<section><h2>Recent poll errors</h2>";
  if (t.recent_errors.empty()) {
    *out += "<p class=\"facts\">none since the daemon started</p></section>\n";
    return;
  }
  *out += "<table><tr><th>when</th><th>reason</th><th>message</th></tr>";
  for (auto it = t.recent_errors.rbegin(); it != t.recent_errors.rend(); ++it) {
    *out += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", UtcTime(it->wall),
                        EscapeHtml(it->reason), EscapeHtml(it->message));
  }
  *out += "</table></section>\n";
}

// The page around `main`: `base` leads from the page's path back to the
// daemon's root ("" for /, "../" for /targets/NAME).
std::string Document(std::string_view title, std::string_view base, std::string_view header,
                     std::string_view main, const PageContext& ctx) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>{}</title><link rel=\"icon\" href=\"{}favicon.svg\" type=\"image/svg+xml\">"
      "<link rel=\"stylesheet\" href=\"{}status.css\">"
      "<script src=\"{}status.js\" defer></script></head>"
      "<body data-refresh=\"{:.3g}\"><header>{}</header><main>\n{}</main></body></html>\n",
      title, base, base, base, std::max(1.0, ctx.refresh_seconds), header, main);
}

}  // namespace

std::string_view StatusPageCss() { return kCss; }

std::string_view StatusPageScript() { return kScript; }

std::string_view StatusPageIcon() { return kIcon; }

std::string RenderStatusPage(const std::vector<TargetStatus>& targets, const PageContext& ctx) {
  size_t down = 0;
  size_t critical = 0;
  size_t warning = 0;
  for (const TargetStatus& t : targets) {
    std::string_view css;
    (void)Badge(t, &css);
    down += css == "down";
    critical += css == "critical";
    warning += css == "warning";
  }
  const std::string header = fmt::format(
      "<h1>redis-memwatch</h1><p>{} target(s): {} down, {} critical, {} warning &middot; {} "
      "&middot; <a href=\"metrics\">metrics</a> &middot; <a href=\"api/v1/status\">JSON</a> "
      "&middot; version {}</p>",
      targets.size(), down, critical, warning, UtcTime(ctx.now_wall), EscapeHtml(ctx.version));
  std::string main;
  if (targets.empty()) main = "<p>No targets are configured.</p>";
  for (const TargetStatus& t : targets) RenderTarget(t, ctx.now_wall, false, &main);
  AppendReceiversHtml(&main, ctx.receivers, ctx.now_wall);
  return Document("redis-memwatch", "", header, main, ctx);
}

std::string RenderTargetPage(const TargetStatus& target, const PageContext& ctx) {
  const std::string header = fmt::format(
      "<h1><a href=\"../\">redis-memwatch</a> &rsaquo; {}</h1><p>{} &middot; version {}</p>",
      EscapeHtml(target.name), UtcTime(ctx.now_wall), EscapeHtml(ctx.version));
  std::string main;
  RenderTarget(target, ctx.now_wall, true, &main);
  RenderPollErrors(target, &main);
  return Document(fmt::format("{} - redis-memwatch", EscapeHtml(target.name)), "../", header, main,
                  ctx);
}

std::string RenderStatusJson(const std::vector<TargetStatus>& targets, const PageContext& ctx) {
  nlohmann::json list = nlohmann::json::array();
  for (const TargetStatus& t : targets) {
    nlohmann::json j{{"name", t.name}, {"state", !t.polled ? "pending" : (t.up ? "up" : "down")}};
    if (t.last_success_wall) j["last_success_unix"] = *t.last_success_wall;
    if (t.used_memory) j["used_memory_bytes"] = *t.used_memory;
    if (t.limit) j["limit"] = {{"bytes", t.limit->bytes}, {"source", t.limit->source}};
    if (t.maxmemory_policy) j["maxmemory_policy"] = *t.maxmemory_policy;
    if (t.role) j["role"] = *t.role;
    if (t.time_to_full_seconds && std::isfinite(*t.time_to_full_seconds)) {
      j["time_to_full_seconds"] = *t.time_to_full_seconds;
    }
    nlohmann::json findings = nlohmann::json::array();
    for (const Finding& f : t.findings) {
      nlohmann::json evidence = nlohmann::json::object();
      for (const Evidence& e : f.evidence) evidence[e.name] = e.value;
      findings.push_back({{"check", f.check},
                          {"severity", SeverityName(f.severity)},
                          {"summary", f.summary},
                          {"evidence", evidence},
                          {"fix", f.fix}});
    }
    j["findings"] = std::move(findings);
    nlohmann::json history = nlohmann::json::array();
    for (const HistoryPoint& p : t.history) history.push_back({p.wall, p.used});
    j["memory_history"] = std::move(history);
    if (t.keyspace.has_value()) j["keyspace"] = KeyspaceJson(*t.keyspace);
    list.push_back(std::move(j));
  }
  const nlohmann::json doc{{"format_version", 1},
                           {"generated_unix", ctx.now_wall},
                           {"memwatch_version", ctx.version},
                           {"targets", std::move(list)},
                           {"receivers", ReceiversJson(ctx.receivers)}};
  // Invalid UTF-8 from Redis (key or error names) is replaced, not thrown.
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace memwatch::metrics
