// Compiler-style lint output: `file:line:col  severity  rule  message`, then a summary.
import type { LintJson } from '../lint/findings';

export function lintText(result: LintJson): string {
  const lines = result.findings.map(
    (f) =>
      `${f.location.file}:${f.location.line}:${f.location.column}  ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}`,
  );
  const count = (s: string) => result.findings.filter((f) => f.severity === s).length;
  const n = result.findings.length;
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  lines.push(
    n === 0
      ? 'no problems'
      : `${plural(n, 'problem')} (${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('info')} info)`,
  );
  return lines.join('\n') + '\n';
}
