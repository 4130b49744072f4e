// Shared by the lint tests: the built command line run as a user would (dist/cli.js in a child
// process), the lint JSON of ../shared/CONTRACT.md section 3, and the graph JSON of section 2.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { GraphJson, Loc } from '../../src/analysis/model';

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

/** The 12 stable rule ids of the contract. */
export const RULE_IDS = [
  'unterminated-middleware',
  'swallowed-error',
  'unhandled-async-error',
  'escaping-async-throw',
  'unawaited-next',
  'double-response',
  'error-handler-order',
  'error-handler-arity',
  'missing-error-handler',
  'unreachable-middleware',
  'context-overwrite',
  'context-missing',
] as const;

export interface LintFinding {
  rule: string;
  severity: string;
  message: string;
  location: Loc;
  endLocation: Loc;
  related: { message: string; location: Loc }[];
  routes: string[];
}

export interface LintJson {
  schemaVersion: 1;
  findings: LintFinding[];
  skipped: { file: string; reason: string }[];
}

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
