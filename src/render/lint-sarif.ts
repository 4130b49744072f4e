// SARIF 2.1.0 for code scanning: one run, one rule entry per rule id, locations relative to DIR.
import type { Finding, LintJson } from '../lint/findings';
import { UNUSED_SUPPRESSION } from '../lint/findings';
import { RULES } from '../rules/index';
import type { Severity } from '../rules/rule';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  defaultConfiguration: { level: 'error' | 'warning' | 'note' };
}

export function lintSarif(result: LintJson, version: string): unknown {
  const rules: SarifRule[] = [
    ...RULES.map((r) => sarifRule(r.meta.id, r.meta.summary, r.meta.severity)),
    sarifRule(UNUSED_SUPPRESSION, 'A suppression comment that silences nothing.', 'info'),
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'mwchain', version, semanticVersion: version, rules } },
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((f) => sarifResult(f, index.get(f.rule) ?? -1)),
      },
    ],
  };
}

function sarifRule(id: string, summary: string, severity: Severity): SarifRule {
  const name = id.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase());
  const doc = `docs/rules/${id}.md`;
  return {
    id,
    name,
    shortDescription: { text: summary },
    fullDescription: { text: summary },
    help: {
      text: `${summary} See ${doc} in mwchain for examples and how to fix it.`,
      markdown: `${summary}\n\nSee \`${doc}\` in mwchain for a wrong and a right example and how to silence it.`,
    },
    defaultConfiguration: { level: LEVEL[severity] },
  };
}

function sarifResult(f: Finding, ruleIndex: number) {
  return {
    ruleId: f.rule,
    ...(ruleIndex >= 0 ? { ruleIndex } : {}),
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [physical(f.location, f.endLocation)],
    ...(f.related.length
      ? {
          relatedLocations: f.related.map((r, id) => ({
            id,
            ...physical(r.location),
            message: { text: r.message },
          })),
        }
      : {}),
    ...(f.routes.length ? { properties: { routes: f.routes } } : {}),
  };
}

function physical(start: Finding['location'], end?: Finding['location']) {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodeURI(start.file) },
      region: {
        startLine: start.line,
        startColumn: start.column,
        ...(end && (end.line > start.line || (end.line === start.line && end.column > start.column))
          ? { endLine: end.line, endColumn: end.column }
          : {}),
      },
    },
  };
}
