// Runs the rules over an analysis and turns their reports into findings: located, silenced by
// suppression comments, sorted. A rule that fails is reported, never fatal for the others.
import type { ts } from 'ts-morph';
import type { AnalysisModel } from '../analysis/analyzer';
import { factsOf } from '../analysis/flow/facts';
import type { Loc } from '../analysis/model';
import { locOf } from '../analysis/source-index';
import { lintFunctions } from '../rules/functions';
import { RULES } from '../rules/index';
import type { Report, RuleContext, RuleId, Severity } from '../rules/rule';
import { UNUSED_SUPPRESSION, type Finding, type LintJson } from './findings';
import { suppressionsOf, type Suppression } from './suppressions';

export interface LintOptions {
  /** per rule: another severity, or 'off'. */
  severities?: Partial<Record<RuleId, Severity | 'off'>>;
}

export interface LintResult extends LintJson {
  /** rules that failed, with the reason: the other rules' findings are still there. */
  failures: string[];
}

export function lint(model: AnalysisModel, options: LintOptions = {}): LintResult {
  const index = model.interpreter.index;
  const loc = (node: ts.Node): Loc => locOf(index.get(node.getSourceFile().fileName)!, node);
  const endLoc = (node: ts.Node): Loc => {
    const sf = node.getSourceFile();
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getEnd());
    return { file: loc(node).file, line: line + 1, column: character + 1 };
  };
  const apps = model.apps;
  const functions = lintFunctions(apps);
  const findings: Finding[] = [];
  const failures: string[] = [];
  for (const rule of RULES) {
    const severity = options.severities?.[rule.meta.id] ?? rule.meta.severity;
    if (severity === 'off') continue;
    const ctx: RuleContext = {
      apps,
      functions,
      facts: (f) => factsOf(f.fn.node, f.convention),
      loc,
      report: (r: Report) =>
        findings.push({
          rule: rule.meta.id,
          severity,
          message: r.message.charAt(0).toUpperCase() + r.message.slice(1),
          location: loc(r.node),
          endLocation: endLoc(r.node),
          related: (r.related ?? []).flatMap((x) => {
            const location = x.location ?? (x.node ? loc(x.node) : undefined);
            return location ? [{ message: x.message, location }] : [];
          }),
          routes: r.routes ?? [],
        }),
    };
    try {
      rule.check(ctx);
    } catch (e) {
      failures.push(`${rule.meta.id}: ${(e as Error).message}`);
    }
  }
  const suppressions: Suppression[] = [];
  for (const f of index.all()) if (!f.skipped) suppressions.push(...suppressionsOf(f));
  const kept = unique(findings).filter((f) => !silenced(f, suppressions));
  for (const s of suppressions) {
    if (s.used) continue;
    const unknown = s.rules.filter((r) => !RULES.some((x) => x.meta.id === r));
    kept.push({
      rule: UNUSED_SUPPRESSION,
      severity: 'info',
      message: unknown.length
        ? `\`${s.text}\` names no mwchain rule (${unknown.join(', ')}), so it silences nothing.`
        : `\`${s.text}\` silences nothing: there is no such finding ${s.line === undefined ? 'in this file' : 'on the next line'}.`,
      location: s.location,
      endLocation: s.location,
      related: [],
      routes: [],
    });
  }
  kept.sort(
    (a, b) =>
      a.location.file.localeCompare(b.location.file) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      a.rule.localeCompare(b.rule),
  );
  return { schemaVersion: 1, findings: kept, skipped: model.skipped, failures };
}

function silenced(f: Finding, suppressions: Suppression[]): boolean {
  let hit = false;
  for (const s of suppressions) {
    if (s.file !== f.location.file) continue;
    if (s.line !== undefined && s.line !== f.location.line) continue;
    if (s.rules.length > 0 && !s.rules.includes(f.rule)) continue;
    s.used = true;
    hit = true;
  }
  return hit;
}

function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\0${f.location.file}:${f.location.line}:${f.location.column}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
