// Table-driven rule tests in the manner of typescript-eslint's RuleTester: each case is a small
// workspace (by default an Express 4 app in app.js); valid cases must give no finding of the
// rule, invalid ones exactly the listed findings, by line, column and message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import type { Finding } from '../../src/lint/findings';
import { lint } from '../../src/lint/lint';
import { tempWorkspace } from './temp-workspace';

export interface Case {
  name: string;
  /** app.js of an Express 4 app, unless `files` is given. */
  code?: string;
  files?: Record<string, string>;
  express?: string;
}

export interface InvalidCase extends Case {
  errors: { line: number; column: number; message: string | RegExp; file?: string }[];
}

export function lintCase(c: Case): Finding[] {
  const files = c.files ?? { 'app.js': c.code ?? '' };
  const dir = tempWorkspace({
    'package.json': JSON.stringify({
      name: 'case',
      private: true,
      dependencies: { express: c.express ?? '^4.21.2' },
    }),
    ...files,
  });
  return lint(ChainAnalyzer.open(dir).model()).findings;
}

export function ruleTests(rule: string, cases: { valid: Case[]; invalid: InvalidCase[] }): void {
  for (const c of cases.valid) {
    test(`${rule} valid: ${c.name}`, () => {
      const found = lintCase(c).filter((f) => f.rule === rule);
      assert.deepEqual(found.map(show), [], 'expected no finding');
    });
  }
  for (const c of cases.invalid) {
    test(`${rule} invalid: ${c.name}`, () => {
      const found = lintCase(c).filter((f) => f.rule === rule);
      assert.equal(
        found.length,
        c.errors.length,
        `expected ${c.errors.length} finding(s), got:\n${found.map(show).join('\n')}`,
      );
      c.errors.forEach((e, i) => {
        const f = found[i]!;
        assert.equal(`${f.location.line}:${f.location.column}`, `${e.line}:${e.column}`, show(f));
        if (e.file) assert.equal(f.location.file, e.file);
        if (typeof e.message === 'string') assert.equal(f.message, e.message);
        else assert.match(f.message, e.message);
      });
    });
  }
}

function show(f: Finding): string {
  return `${f.location.file}:${f.location.line}:${f.location.column} ${f.rule} ${f.message}`;
}

/** An Express app around some middleware: `use` registers them in order before a route. */
export const APP = (body: string) => `const express = require('express');
const app = express();
${body}
app.use((err, req, res, next) => res.status(500).end());
module.exports = app;
`;
