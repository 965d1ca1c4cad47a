// Check 3, the query part: every panel expr of the dashboard, with $target
// set to one target's name and the interval macros to INTERVAL, returns data
// from a real Prometheus scraping the daemon. MEMWATCH_GRAFANA_VERBOSE=1
// prints every answer.
// Usage: node query_prometheus.mjs DASHBOARD.json PROMETHEUS_URL TARGET DEADLINE_UNIX_MS
//
// Waits (polling, bounded by the deadline) until Prometheus holds at least
// MIN_SCRAPES successful scrapes, then queries every expr; exprs without data
// are retried until the deadline, since some series need a few polls (rates
// need two samples, time to full needs a trend). Exits 1 listing the exprs
// that still had no data or failed.
import { loadDashboard, panelExprs, substitute, variableQueries } from "./dashboard.mjs";

const MIN_SCRAPES = 5;
const INTERVAL = "1m";
const POLL_MS = 500;

const [path, baseUrl, target, deadlineArg] = process.argv.slice(2);
const verbose = process.env.MEMWATCH_GRAFANA_VERBOSE === "1";  // print each answer
const deadline = Number(deadlineArg);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Returns { result } or { error } for an instant query.
async function instantQuery(promql) {
  let response;
  try {
    response = await fetch(`${baseUrl}/api/v1/query`, {
      method: "POST",
      body: new URLSearchParams({ query: promql }),
      signal: AbortSignal.timeout(5000),
    });
  } catch (e) {
    return { error: `request failed: ${e.message}` };
  }
  const body = await response.json().catch(() => null);
  if (!response.ok || body?.status !== "success") {
    return { error: `HTTP ${response.status}: ${body?.errorType ?? ""} ${body?.error ?? ""}`.trim() };
  }
  return { result: body.data.result };
}

// True iff the result carries at least one value (vector, matrix or scalar).
function hasData(result) {
  return Array.isArray(result) ? result.length > 0 : result !== null && result !== undefined;
}

// "2 series, first {check="noeviction",...} = 1" for verbose output.
function describe(result) {
  if (!Array.isArray(result)) return JSON.stringify(result);
  const { __name__, job, instance, ...labels } = result[0].metric;
  const shown = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",");
  return `${result.length} series, first {${shown}} = ${result[0].value?.[1]}`;
}

async function waitForScrapes() {
  const promql = `sum(sum_over_time(up[5m]))`;
  let seen = 0;
  while (Date.now() < deadline) {
    const { result } = await instantQuery(promql);
    seen = Number(result?.[0]?.value?.[1] ?? 0);
    if (seen >= MIN_SCRAPES) return true;
    await sleep(POLL_MS);
  }
  console.log(`  Prometheus had ${seen} successful scrapes before the deadline; ${MIN_SCRAPES} needed`);
  return false;
}

async function main() {
  const dashboard = loadDashboard(path);
  const exprs = panelExprs(dashboard).map(({ where, expr }) => ({
    where,
    promql: substitute(expr, { interval: INTERVAL, vars: { target } }),
  }));
  if (exprs.length === 0) {
    console.log(`prometheus: no panel exprs in ${path}`);
    return 1;
  }
  if (!(await waitForScrapes())) return 1;

  const failed = new Map();  // where -> reason, for exprs not (yet) answered with data
  let pending = exprs;
  for (;;) {
    const still = [];
    for (const item of pending) {
      const { result, error } = await instantQuery(item.promql);
      if (error !== undefined) {
        failed.set(item.where, { ...item, reason: error });  // a bad query does not heal
      } else if (!hasData(result)) {
        failed.set(item.where, { ...item, reason: "no data" });
        still.push(item);
      } else {
        failed.delete(item.where);
        if (verbose) console.log(`  ok ${item.where}: ${describe(result)}`);
      }
    }
    pending = still;
    if (pending.length === 0 || Date.now() + POLL_MS >= deadline) break;
    await sleep(POLL_MS);
  }

  // A `label_values(METRIC, LABEL)` variable must offer the target.
  let variablesFailed = 0;
  for (const { name, query } of variableQueries(dashboard)) {
    const m = /^\s*label_values\(\s*(.+)\s*,\s*([a-zA-Z_]\w*)\s*\)\s*$/s.exec(query);
    if (!m) continue;
    const url = `${baseUrl}/api/v1/label/${m[2]}/values?` +
      new URLSearchParams({ "match[]": substitute(m[1], { interval: INTERVAL, vars: { target } }) });
    const values = await fetch(url).then((r) => r.json()).then((b) => b.data ?? []).catch(() => []);
    if (!values.includes(target)) {
      variablesFailed++;
      console.log(`  FAIL variable $${name}: ${query} does not list "${target}" (got ${JSON.stringify(values)})`);
    }
  }

  for (const { where, promql, reason } of failed.values()) {
    console.log(`  FAIL ${where}: ${reason}\n       ${promql}`);
  }
  console.log(`prometheus: ${exprs.length - failed.size}/${exprs.length} panel exprs return data` +
    (variablesFailed === 0 ? "" : `; ${variablesFailed} variable(s) without the target`));
  return failed.size === 0 && variablesFailed === 0 ? 0 : 1;
}

process.exit(await main());
