// Shared by the lint tests: the built command line run as a user would (dist/cli.js in a child
// process), the lint JSON of ../shared/CONTRACT.md section 3, and the graph JSON of section 2.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { GraphJson } from '../../src/analysis/model';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function mwchain(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export { RULE_IDS } from '../../src/rules/rule';
import type { Finding as LintFinding, LintJson } from '../../src/lint/findings';
export type { LintFinding, LintJson };

/** Parses stdout as JSON, or fails with what the command printed (lint missing, a crash...). */
export function parseJson<T>(r: CliResult, what: string): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(
      `${what}: stdout is not JSON (exit ${r.code})\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`,
    );
  }
}

export function lintJson(dir: string): { result: CliResult; lint: LintJson } {
  const result = mwchain('lint', dir, '--format', 'json');
  return { result, lint: parseJson<LintJson>(result, `mwchain lint ${dir} --format json`) };
}

export function graphJson(dir: string): GraphJson {
  return parseJson<GraphJson>(mwchain('graph', dir, '--format', 'json'), `mwchain graph ${dir}`);
}

/** One finding per line, as a developer would want to read them in a failed assertion. */
export function describeFindings(findings: LintFinding[]): string {
  return findings
    .map((f) => {
      const at = `${f.location.file}:${f.location.line}:${f.location.column}`;
      const routes = f.routes?.length ? ` [${f.routes.join(', ')}]` : '';
      return `  ${f.rule} (${f.severity}) at ${at}${routes}: ${f.message}`;
    })
    .join('\n');
}
