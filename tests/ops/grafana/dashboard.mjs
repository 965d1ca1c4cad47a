// Reads a Grafana dashboard JSON file and lists what the ops checks need:
// every panel query (rows' nested panels included) and every variable query.
// Shared by the PromQL parse check and the Prometheus query check so both
// see exactly the same expressions.
import { readFileSync } from "node:fs";

export function loadDashboard(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

// Panels in display order, with the panels of collapsed rows flattened in.
export function allPanels(dashboard) {
  const out = [];
  for (const panel of dashboard.panels ?? []) {
    out.push(panel);
    for (const nested of panel.panels ?? []) out.push(nested);
  }
  return out;
}

// [{ where, expr }] for every panel target that has a PromQL `expr`.
// `where` names the panel and refId for messages, e.g. `#5 "Memory used" A`.
export function panelExprs(dashboard) {
  const out = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      if (target.hide === true) continue;
      if (typeof target.expr !== "string") continue;
      out.push({ where: `#${panel.id} "${panel.title}" ${target.refId}`, expr: target.expr });
    }
  }
  return out;
}

// [{ name, query }] for every `query` variable; the query may be a string or
// the Prometheus variable editor's object form ({ query: "..." }).
export function variableQueries(dashboard) {
  const out = [];
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== "query") continue;
    const query = typeof v.query === "string" ? v.query : v.query?.query;
    out.push({ name: v.name, query: query ?? "" });
  }
  return out;
}

// Replaces Grafana's interval macros by `interval` and every other template
// variable ($name, ${name}, ${name:format}, [[name]]) by `vars[name]` or,
// when absent, by `fallback`. Returns the PromQL Prometheus would receive.
export function substitute(expr, { interval = "5m", vars = {}, fallback = "x" } = {}) {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}/g, interval)
    .replace(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (_, a, b, c) => {
      const name = a ?? b ?? c;
      return Object.hasOwn(vars, name) ? vars[name] : fallback;
    });
}
