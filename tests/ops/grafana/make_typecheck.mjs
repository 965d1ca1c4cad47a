// Check 1, part one: writes a TypeScript file that holds the dashboard JSON
// as `(<json>) satisfies Dashboard`, for `tsc --strict --noEmit` to check
// against @grafana/schema. Usage: node make_typecheck.mjs DASHBOARD.json OUT.ts
//
// The JSON text is kept as it is, line for line (the imports share its first
// line), so tsc's line:column of an error is the line:column in the JSON.
//
// One rewrite: JSON can only carry an enum's value ("absolute"), while the
// schema types four fields of a panel's fieldConfig.defaults as TypeScript
// string enums (ThresholdsMode), to which no string literal is assignable.
// Those values are written as enum members (ThresholdsMode.Absolute) when
// they are one of the enum's values; a value that is not stays a string
// literal, and tsc rejects it, so a typo still fails.
import { readFileSync, writeFileSync } from "node:fs";
import * as schema from "@grafana/schema";
import ts from "typescript";

// The member of enum `enumName` whose value is `value`, e.g.
// "ThresholdsMode.Absolute"; null when there is none.
function enumMember(enumName, value) {
  const members = schema[enumName];
  if (members === undefined) throw new Error(`@grafana/schema has no enum ${enumName}`);
  const key = Object.keys(members).find((k) => members[k] === value);
  return key === undefined ? null : `${enumName}.${key}`;
}

// The value node of property `name` of object literal `node`, or undefined.
function prop(node, name) {
  if (node === undefined || !ts.isObjectLiteralExpression(node)) return undefined;
  for (const p of node.properties) {
    if (ts.isPropertyAssignment(p) && ts.isStringLiteral(p.name) && p.name.text === name) {
      return p.initializer;
    }
  }
  return undefined;
}

function elements(node) {
  return node !== undefined && ts.isArrayLiteralExpression(node) ? node.elements : [];
}

// Returns [{ start, end, text }]: the enum-typed string literals of every
// panel's fieldConfig.defaults (rows' nested panels included) to replace.
function enumReplacements(root) {
  const out = [];
  const replace = (node, enumName) => {
    if (node === undefined || !ts.isStringLiteral(node)) return;
    const member = enumMember(enumName, node.text);
    if (member !== null) out.push({ start: node.getStart(), end: node.getEnd(), text: member, enumName });
  };
  const panels = [];
  for (const panel of elements(prop(root, "panels"))) {
    panels.push(panel, ...elements(prop(panel, "panels")));
  }
  for (const panel of panels) {
    const defaults = prop(prop(panel, "fieldConfig"), "defaults");
    replace(prop(prop(defaults, "color"), "mode"), "FieldColorModeId");
    replace(prop(prop(defaults, "thresholds"), "mode"), "ThresholdsMode");
    for (const mapping of elements(prop(defaults, "mappings"))) {
      const type = prop(mapping, "type");
      if (type !== undefined && ts.isStringLiteral(type) && type.text === "special") {
        replace(prop(prop(mapping, "options"), "match"), "SpecialValueMatch");
      }
      replace(type, "MappingType");
    }
  }
  return out;
}

export function dashboardToTypeScript(json) {
  const file = ts.createSourceFile("dashboard.json", json, ts.ScriptTarget.Latest, true, ts.ScriptKind.JSON);
  const root = file.statements[0]?.expression;
  let body = json;
  const used = new Set();
  if (root !== undefined) {
    const replacements = enumReplacements(root).sort((a, b) => b.start - a.start);
    for (const r of replacements) {
      body = body.slice(0, r.start) + r.text + body.slice(r.end);
      used.add(r.enumName);
    }
  }
  const enumImport = used.size === 0 ? "" : `import { ${[...used].sort().join(", ")} } from "@grafana/schema"; `;
  return `import type { Dashboard } from "@grafana/schema"; ${enumImport}export const d = (${body.trimEnd()}) satisfies Dashboard;\n`;
}

const [input, output] = process.argv.slice(2);
writeFileSync(output, dashboardToTypeScript(readFileSync(input, "utf8")));
