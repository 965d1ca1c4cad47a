// Check 2: every panel expr and every variable query of the dashboard parses
// as PromQL. Usage: node parse_promql.mjs DASHBOARD.json
// lezer-promql never throws: it recovers and marks what it could not parse
// with error nodes (shown as ⚠ in lezer trees); any such node fails.
import { parser } from "@prometheus-io/lezer-promql";
import { loadDashboard, panelExprs, substitute, variableQueries } from "./dashboard.mjs";

// Returns "" if `promql` parses cleanly, else a description of the first error.
export function parseError(promql) {
  if (promql.trim() === "") return "empty expression";
  let error = "";
  parser.parse(promql).iterate({
    enter(node) {
      if (error !== "" || !node.type.isError) return;
      const near = promql.slice(Math.max(0, node.from - 10), node.to + 10);
      error = `syntax error at offset ${node.from} (near '${near}')`;
    },
  });
  return error;
}

// The PromQL inside a Prometheus variable query: label_values(METRIC, label)
// and query_result(EXPR) carry one; label_values(label), label_names(),
// metrics(regex) have none (null).
export function variablePromql(query) {
  const labelValues = /^\s*label_values\(\s*(.+)\s*,\s*[a-zA-Z_]\w*\s*\)\s*$/s.exec(query);
  if (labelValues) return labelValues[1];
  const queryResult = /^\s*query_result\(\s*(.+)\s*\)\s*$/s.exec(query);
  if (queryResult) return queryResult[1];
  if (/^\s*(label_values|label_names|metrics)\(/.test(query)) return null;
  return query;  // a plain PromQL variable query
}

function main() {
  const path = process.argv[2];
  const dashboard = loadDashboard(path);
  const items = panelExprs(dashboard).map(({ where, expr }) => ({ where, promql: substitute(expr) }));
  for (const { name, query } of variableQueries(dashboard)) {
    const promql = variablePromql(query);
    if (promql !== null) items.push({ where: `variable $${name}`, promql: substitute(promql) });
  }
  if (items.length === 0) {
    console.log(`promql: no expressions found in ${path}`);
    process.exit(1);
  }
  let failures = 0;
  for (const { where, promql } of items) {
    const error = parseError(promql);
    if (error !== "") {
      failures++;
      console.log(`  FAIL ${where}: ${error}\n       ${promql}`);
    }
  }
  console.log(`promql: ${items.length - failures}/${items.length} expressions parse`);
  process.exit(failures === 0 ? 0 : 1);
}

main();
