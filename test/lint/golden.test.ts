// Every fixture app's lint table against a golden file: what each rule says about each
// framework's apps, the clean ones included (an empty table is a claim too).
import { test } from 'node:test';
import * as path from 'node:path';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { lint } from '../../src/lint/lint';
import { lintText } from '../../src/render/lint-text';
import { expectGolden } from '../support/golden';
import { fixture, fixtureNames } from '../support/fixtures';

const GOLDEN = path.join(__dirname, 'golden');

for (const name of fixtureNames()) {
  test(`lint of ${name}`, () => {
    const result = lint(ChainAnalyzer.open(fixture(name)).model());
    expectGolden(
      path.join(GOLDEN, `${name}.lint.txt`),
      lintText({ schemaVersion: 1, findings: result.findings, skipped: result.skipped }),
    );
  });
}
