// Every rule id of the contract has its implementation, its doc and its table test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../src/rules/index';
import { RULE_IDS } from '../../src/rules/rule';

const ROOT = path.resolve(__dirname, '../..');

test('the rule list is exactly the contract table, in order', () => {
  assert.deepEqual(
    RULES.map((r) => r.meta.id),
    [...RULE_IDS],
  );
  // CI has the shared folder beside the clone; a clone elsewhere may not
  const contractFile = path.join(ROOT, '../shared/CONTRACT.md');
  if (!existsSync(contractFile)) return;
  const contract = readFileSync(contractFile, 'utf8');
  const table = [...contract.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
  if (table.length > 0) assert.deepEqual(table, [...RULE_IDS]);
});

for (const id of RULE_IDS) {
  test(`${id} has a source file, a doc with every section, and a table test`, () => {
    assert.ok(existsSync(path.join(ROOT, 'src/rules', `${id}.ts`)), `src/rules/${id}.ts`);
    const test = path.join(ROOT, 'test/rules', `${id}.test.ts`);
    assert.ok(existsSync(test), `test/rules/${id}.test.ts`);
    const body = readFileSync(test, 'utf8');
    assert.match(body, /valid: \[/);
    assert.match(body, /invalid: \[/);
    const doc = path.join(ROOT, 'docs/rules', `${id}.md`);
    assert.ok(existsSync(doc), `docs/rules/${id}.md`);
    const text = readFileSync(doc, 'utf8');
    assert.match(text, new RegExp(`^# ${id}$`, 'm'));
    for (const section of ['## Why it bites', '## Wrong', '## Right', '## Silence it'])
      assert.ok(text.includes(section), `${id}: ${section}`);
    assert.ok(text.includes(`mwchain-disable-next-line ${id}`), `${id}: how to silence`);
  });
}

test('no doc or test for a rule that does not exist', () => {
  const ids = new Set<string>(RULE_IDS);
  for (const f of readdirSync(path.join(ROOT, 'docs/rules'))) assert.ok(ids.has(f.replace(/\.md$/, '')), f);
  for (const f of readdirSync(path.join(ROOT, 'test/rules'))) {
    if (f === 'meta.test.ts') continue;
    assert.ok(ids.has(f.replace(/\.test\.ts$/, '')), f);
  }
});
