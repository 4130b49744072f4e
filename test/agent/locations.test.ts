// Where the agent finds a middleware's definedAt without slowing the app down: V8's coverage, and
// Node's recorded source map or the file on disk (when it is what ran); the Debugger domain only
// when a loader compiled other code under the file's name without Node recording a map (enabling
// that domain in a warm app costs the app for the rest of its life).
import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as inspector from 'node:inspector';
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { definedAt } from '../../src/agent/locations';
import { sourceMapComment } from '../../src/agent/source-maps';
import { FIXTURES } from '../support/agent-app';

const DIR = path.join(FIXTURES, 'agent-locations');

// What the agent's inspector session is asked, in order.
const posted: string[] = [];
const post = inspector.Session.prototype.post as (this: inspector.Session, ...args: unknown[]) => void;
(inspector.Session.prototype as { post: unknown }).post = function (
  this: inspector.Session,
  ...args: unknown[]
) {
  posted.push(args[0] as string);
  return post.apply(this, args);
};

/** The 1-based column of `marker` on a line of `file` (V8 places a function at its parameters). */
function paramsColumn(file: string, line: number, marker: string): number {
  return readFileSync(file, 'utf8').split('\n')[line - 1].indexOf(marker) + 1;
}

/** `code` compiled as the CommonJS module `file`, as a loader would: its exports. */
function compileAs(file: string, code: string): unknown {
  const mod = new Module(file) as Module & { _compile(code: string, file: string): void };
  mod.filename = file;
  mod._compile(code, file);
  return mod.exports;
}

describe('definedAt', () => {
  beforeEach(() => {
    posted.length = 0;
  });

  test('a file run as it is: read from coverage and the file, the Debugger domain never enabled', () => {
    const file = path.join(DIR, 'plain.cjs');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = require(file) as (req: unknown, res: unknown, next: () => void) => void;
    // Located after startup, a middleware has run (a finding names one that ran). A script none
    // of whose functions ran can leave V8's coverage at any full GC, as one did here under CI's
    // load: the agent then asks the Debugger domain, correctly, and this test would fail.
    fn({}, {}, () => undefined);
    assert.deepEqual(definedAt(fn), { file, line: 2, column: paramsColumn(file, 2, '(req') });
    assert.ok(posted.includes('Profiler.getBestEffortCoverage'), posted.join(', '));
    assert.ok(!posted.includes('Debugger.enable'), posted.join(', '));
  });

  test('other code compiled under the file name, no map recorded: the Debugger domain', () => {
    const file = path.join(DIR, 'rewritten.cjs');
    const code = `'use strict';\nmodule.exports = function rewrittenStep(req, res, next) { next(); };\n`;
    const fn = compileAs(file, code) as () => void;
    assert.deepEqual(definedAt(fn), { file, line: 2, column: code.split('\n')[1].indexOf('(req') + 1 });
    assert.ok(posted.includes('Debugger.enable'), posted.join(', '));
    assert.equal(posted.at(-1), 'Debugger.disable');
  });

  test('other code compiled under the file name with its map, Node recording maps: that map', () => {
    assert.equal(process.sourceMapsEnabled, true, 'tsx, which runs these tests, turns source maps on');
    const file = path.join(DIR, 'rewritten-mapped.cjs');
    // generated line 2, column 0 is line 10 of original.ts: ";AASA"
    const map = { version: 3, sources: ['original.ts'], names: [], mappings: ';AASA' };
    const code =
      `'use strict';\nmodule.exports = function rewrittenStep(req, res, next) { next(); };\n` +
      `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
    const fn = compileAs(file, code) as (req: unknown, res: unknown, next: () => void) => void;
    fn({}, {}, () => undefined); // it has run, as the first test says why
    assert.deepEqual(definedAt(fn), { file: path.join(DIR, 'original.ts'), line: 10, column: 1 });
    assert.ok(!posted.includes('Debugger.enable'), posted.join(', '));
  });

  test('TypeScript through tsx: the map Node recorded, the Debugger domain never enabled', () => {
    const file = path.join(DIR, 'typed.ts');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { typedStep } = require(file) as { typedStep: () => void };
    // the column is where the map puts the function: its name
    assert.deepEqual(definedAt(typedStep), { file, line: 6, column: paramsColumn(file, 6, 'typedStep') });
    assert.ok(!posted.includes('Debugger.enable'), posted.join(', '));
  });

  test('a function is located once', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fn = require(path.join(DIR, 'plain.cjs')) as () => void;
    const first = definedAt(fn);
    posted.length = 0;
    assert.equal(definedAt(fn), first);
    assert.deepEqual(posted, []);
  });
});

describe('sourceMapComment', () => {
  test('the forms V8 reads, at the end of a script', () => {
    assert.equal(sourceMapComment('x();\n//# sourceMappingURL=app.js.map\n'), 'app.js.map');
    assert.equal(sourceMapComment('x();\n//# sourceMappingURL=app.js.map'), 'app.js.map');
    assert.equal(sourceMapComment('x();\n//@ sourceMappingURL=old.map  \n'), 'old.map');
    assert.equal(sourceMapComment('x();\n/*# sourceMappingURL=block.map */\n'), 'block.map');
    assert.equal(
      sourceMapComment('x();\n//# sourceMappingURL=data:application/json;base64,eyJ2Ijoz\n'),
      'data:application/json;base64,eyJ2Ijoz',
    );
  });

  test('none, or only inside the code: no source map', () => {
    assert.equal(sourceMapComment('x();\n'), '');
    assert.equal(sourceMapComment(''), '');
    assert.equal(sourceMapComment('const s = "sourceMappingURL=nope.map";\n'), '');
  });

  test('the last comment wins', () => {
    assert.equal(
      sourceMapComment('//# sourceMappingURL=first.map\nx();\n//# sourceMappingURL=second.map\n'),
      'second.map',
    );
  });
});
