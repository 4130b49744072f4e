// `mwchain lint [DIR] [--format text|json|sarif] [--fail-on error|warning|info|never]`
import { SEVERITY_RANK } from '../lint/findings';
import { lint } from '../lint/lint';
import { lintSarif } from '../render/lint-sarif';
import { lintText } from '../render/lint-text';
import type { Severity } from '../rules/rule';
import { choice, openWorkspace, type ParsedArgs } from './args';

export function lintCommand(
  args: ParsedArgs,
  io: { out: (s: string) => void; err: (s: string) => void },
  version: string,
): number {
  const format = choice(args.flags, 'format', ['text', 'json', 'sarif'] as const, 'text');
  const failOn = choice(args.flags, 'fail-on', ['error', 'warning', 'info', 'never'] as const, 'error');
  const { dir, analyzer } = openWorkspace('lint', args, io.err);
  const model = analyzer.model();
  for (const note of model.notes) io.err(`mwchain: ${note}`);
  const result = lint(model);
  for (const failure of result.failures) io.err(`mwchain: a rule failed and was skipped: ${failure}`);
  for (const s of result.skipped) io.err(`mwchain: skipped ${s.file}: ${s.reason}`);
  if (model.apps.length === 0) io.err(`mwchain: no app found in ${dir} (supported: Express 4 and 5)`);
  const json = { schemaVersion: result.schemaVersion, findings: result.findings, skipped: result.skipped };
  if (format === 'json') io.out(JSON.stringify(json, null, 2) + '\n');
  else if (format === 'sarif') io.out(JSON.stringify(lintSarif(json, version), null, 2) + '\n');
  else io.out(lintText(json));
  if (failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[failOn as Severity];
  return result.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold) ? 1 : 0;
}
