// test/fixtures/lint-defects holds one real defect per `// #region <rule>` block of src/app.js.
// Lint must report each rule at a line inside its block (it may report more: a defect can
// break more than one rule). The SARIF test relies on this fixture having findings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fixture } from '../support/fixtures';
import { describeFindings, lintJson, mwchain, RULE_IDS } from './lint-cli';

const DIR = fixture('lint-defects');
const FILE = 'src/app.js';

function regions(): { rule: string; from: number; to: number }[] {
  const out: { rule: string; from: number; to: number }[] = [];
  let open: { rule: string; from: number } | null = null;
  readFileSync(path.join(DIR, FILE), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const start = /\/\/ #region (\S+)/.exec(text);
      if (start) open = { rule: start[1]!, from: i + 1 };
      else if (/\/\/ #endregion/.test(text) && open) {
        out.push({ ...open, to: i + 1 });
        open = null;
      }
    });
  return out;
}

test('lint-defects: every defect region is a known rule', () => {
  const rs = regions();
  assert.equal(rs.length, 10);
  for (const r of rs) assert.ok(RULE_IDS.includes(r.rule as (typeof RULE_IDS)[number]), r.rule);
});

let cached: ReturnType<typeof lintJson> | undefined;
/** The lint JSON of the fixture, run once; throws with what the command printed if it fails. */
const lintOnce = (): ReturnType<typeof lintJson> => (cached ??= lintJson(DIR));

for (const region of regions()) {
  test(`lint-defects: ${region.rule} is reported in ${FILE}:${region.from}-${region.to}`, () => {
    const { findings } = lintOnce().lint;
    assert.ok(
      findings.some(
        (f) =>
          f.rule === region.rule &&
          f.location.file === FILE &&
          f.location.line >= region.from &&
          f.location.line <= region.to,
      ),
      `no ${region.rule} finding in lines ${region.from}-${region.to}; findings:\n${describeFindings(findings)}`,
    );
  });
}

test('lint-defects: exit 1 with error findings and the default --fail-on, 0 with --fail-on never', () => {
  const { result, lint } = lintOnce();
  const errors = lint.findings.filter((f) => f.severity === 'error').length;
  assert.equal(result.code, errors > 0 ? 1 : 0, `${errors} error findings; stderr: ${result.stderr}`);
  const never = mwchain('lint', DIR, '--format', 'json', '--fail-on', 'never');
  assert.equal(never.code, 0, never.stderr);
});
