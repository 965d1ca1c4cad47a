#!/usr/bin/env bash
# Checks the Prometheus alert rules and their runbook:
#   1. promtool check rules: the rule file is valid.
#   2. promtool test rules: every rules/tests/*.test.yml passes.
#   3. Consistency (python3):
#      - every check in src/checks/check_registry.cc has, for each severity it can
#        raise, an alert on redis_memwatch_finding{check,severity} with that
#        severity label, and a `## <check>` section in docs/runbook.md; every
#        group check (kGroupChecks) and Sentinel data-set check
#        (kSentinelDataSetChecks) the same on redis_memwatch_group_finding;
#      - every alert has severity, summary, description and runbook_url, and
#        every runbook_url anchor is a heading of docs/runbook.md;
#      - every alert (name and severity) fires in some unit test, and every
#        alert name has a test where it stays silent (exp_alerts: []).
# Exits non-zero on any failure, after reporting every problem found.
# Usage: tests/ops/rules_test.sh [repository root]   (ctest runs it from the root)
set -euo pipefail

root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root"

rules=rules/redis-memwatch.rules.yml
python=/usr/bin/python3  # system python: it has PyYAML (python3-yaml); a pyenv shim may not

for tool in promtool "$python"; do
  command -v "$tool" >/dev/null || { echo "rules_test: $tool not found" >&2; exit 1; }
done

status=0

echo "== promtool check rules $rules"
promtool check rules "$rules" || status=1

echo "== promtool test rules rules/tests/*.test.yml"
shopt -s nullglob
tests=(rules/tests/*.test.yml)
if ((${#tests[@]} == 0)); then
  echo "rules_test: no rules/tests/*.test.yml" >&2
  status=1
else
  # promtool resolves rule_files relative to the working directory.
  (cd rules/tests && promtool test rules "${tests[@]#rules/tests/}") || status=1
fi

echo "== rules, checks, tests and runbook agree"
"$python" - "$rules" src/checks/check_registry.cc docs/runbook.md "${tests[@]}" <<'PY' || status=1
import re
import sys

import yaml

rules_path, spec_path, runbook_path, *test_paths = sys.argv[1:]
RUNBOOK_URL = "https://github.com/redis-memwatch/redis-memwatch/blob/main/docs/runbook.md#"
SEVERITIES = {"info", "warning", "critical"}
problems = []


def problem(msg):
    problems.append(msg)


# The rows of check_registry.cc's tables: kChecks rows are
# {.name = "name", ..., .severities = kSeverities, ...}; kGroupChecks rows are
# {"name", "title", "kind", kSeverities}.
ROW_PATTERNS = {
    "kChecks": r'\.name = "([a-z_]+)",.*?\.severities = (k\w+)',
    "kGroupChecks": r'\{"([a-z_]+)",.*?,\s*(k\w+)\}',
}


def checks_from_spec(path, table_name):
    """Returns {check: [severity, ...]} from table `table_name` of check_registry.cc."""
    text = open(path, encoding="utf-8").read()
    sev_sets = {}
    for name, body in re.findall(r"constexpr std::array (k\w+)\{([^}]*)\};", text):
        sevs = re.findall(r"Severity::k(\w+)", body)
        if sevs:
            sev_sets[name] = [s.lower() for s in sevs]
    table = re.search(table_name + r"\[\] = \{(.*?)\n\};", text, re.S)
    if not table:
        problem(f"{path}: cannot find the {table_name} table")
        return {}
    checks = {}
    for name, sev_set in re.findall(ROW_PATTERNS[table_name], table.group(1), re.S):
        if sev_set not in sev_sets:
            problem(f"{path}: {table_name} row {name}: unknown severity set {sev_set}")
            continue
        checks[name] = sev_sets[sev_set]
    if not checks:
        problem(f"{path}: no checks found in {table_name}")
    return checks


def github_anchors(path):
    """The anchors GitHub gives the headings of a markdown file."""
    anchors, seen, fenced = set(), {}, False
    for line in open(path, encoding="utf-8"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


checks = checks_from_spec(spec_path, "kChecks")
group_checks = checks_from_spec(spec_path, "kGroupChecks")
# A Sentinel group's data-set checks are alerted on the group's series too.
data_set = re.search(r"kSentinelDataSetChecks\[\] = \{([^}]*)\};",
                     open(spec_path, encoding="utf-8").read())
if not data_set:
    problem(f"{spec_path}: cannot find kSentinelDataSetChecks")
for name in re.findall(r'"([a-z_]+)"', data_set.group(1) if data_set else ""):
    if name not in checks:
        problem(f"{spec_path}: kSentinelDataSetChecks names {name}, not a check")
    else:
        group_checks[name] = checks[name]
anchors = github_anchors(runbook_path)
doc = yaml.safe_load(open(rules_path, encoding="utf-8"))

alerts = []  # (alertname, severity)
finding_alerts = {}  # (check, severity) -> alertname
group_alerts = {}  # (group check, severity) -> alertname
# The finding series alerts select, the label their summaries name, and
# where their alerts are collected.
FINDING_SERIES = [
    ("redis_memwatch_finding", "target", finding_alerts),
    ("redis_memwatch_group_finding", "group", group_alerts),
]
for group in doc.get("groups", []):
    for rule in group.get("rules", []):
        name = rule.get("alert")
        if not name:
            continue
        where = f"{rules_path}: {name}"
        labels = rule.get("labels") or {}
        ann = rule.get("annotations") or {}
        sev = labels.get("severity")
        if sev not in SEVERITIES:
            problem(f"{where}: severity label {sev!r} is not one of {sorted(SEVERITIES)}")
        alerts.append((name, sev))
        for key in ("summary", "description", "runbook_url"):
            if not str(ann.get(key, "")).strip():
                problem(f"{where} ({sev}): annotation {key} is missing or empty")
        url = str(ann.get("runbook_url", ""))
        anchor = url[len(RUNBOOK_URL):] if url.startswith(RUNBOOK_URL) else None
        if anchor is None:
            problem(f"{where}: runbook_url {url!r} does not start with {RUNBOOK_URL}")
        elif anchor not in anchors:
            problem(f"{where}: runbook_url anchor #{anchor} is not a heading of {runbook_path}")
        expr = rule.get("expr", "")
        for metric, label, found in FINDING_SERIES:
            if metric + "{" not in expr:
                continue
            m = re.search(r'check="([a-z_]+)"\s*,\s*severity="([a-z]+)"', expr)
            if not m:
                problem(f"{where}: selects {metric} without check=\"...\",severity=\"...\"")
                break
            check, expr_sev = m.groups()
            if expr_sev != sev:
                problem(f"{where}: selects severity={expr_sev} but is labelled severity={sev}")
            if anchor is not None and anchor != check:
                problem(f"{where}: runbook_url anchor #{anchor} should be #{check}")
            if f"$labels.{label}" not in str(ann.get("summary", "")):
                problem(f"{where}: summary does not name {{{{ $labels.{label} }}}}")
            if (check, expr_sev) in found:
                problem(f"{where}: a second alert for {check} severity {expr_sev} on {metric}")
            found[(check, expr_sev)] = name

for what, table, found in (("check", checks, finding_alerts),
                           ("group check", group_checks, group_alerts)):
    for check, sevs in table.items():
        if not any(c == check for c, _ in found):
            problem(f"{what} {check} ({spec_path}) has no alert in {rules_path}")
        for sev in sevs:
            if (check, sev) not in found:
                problem(f"{what} {check} can raise {sev}, but {rules_path} has no alert for it")
        if check not in anchors:
            problem(f"{what} {check} has no '## {check}' section in {runbook_path}")
    for check, sev in found:
        if check not in table:
            problem(f"{rules_path}: alert for unknown {what} {check}")
        elif sev not in table[check]:
            problem(f"{rules_path}: alert for {check} {sev}, a severity that {what} never raises")

fired, silent = set(), set()
for path in test_paths:
    for test in (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("tests", []) or []:
        for t in test.get("alert_rule_test", []) or []:
            exp = t.get("exp_alerts") or []
            if not exp:
                silent.add(t.get("alertname"))
            for a in exp:
                fired.add((t.get("alertname"), (a.get("exp_labels") or {}).get("severity")))
for name, sev in sorted(set(alerts), key=str):
    if (name, sev) not in fired:
        problem(f"alert {name} ({sev}) never fires in rules/tests/*.test.yml")
for name in sorted({n for n, _ in alerts}):
    if name not in silent:
        problem(f"alert {name} has no test where it stays silent (exp_alerts: [])")

for p in problems:
    print(f"FAILED: {p}", file=sys.stderr)
print(f"{len(alerts)} alerts, {len(checks)} checks, {len(group_checks)} group checks, "
      f"{len(anchors)} runbook headings, "
      f"{len(test_paths)} test files: {'FAILED' if problems else 'OK'}")
sys.exit(1 if problems else 0)
PY

if ((status == 0)); then echo "rules_test: PASS"; else echo "rules_test: FAIL" >&2; fi
exit "$status"
