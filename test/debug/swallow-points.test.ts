// Where the debugger stops for each swallowed-error finding, on small workspaces: the first
// statement V8 can pause at inside the catch, the closing brace of a callback body that has
// none, and no stop at all for a catch block without a statement.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import { swallowPoints } from '../../src/debug/swallow-points';
import { lint, type LintOptions } from '../../src/lint/lint';
import type { SwallowPoint } from '../../src/protocol/analysis-messages';
import { APP } from '../support/rule-tester';
import { tempWorkspace } from '../support/temp-workspace';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function analyse(files: Record<string, string>, options?: LintOptions) {
  const dir = tempWorkspace({
    'package.json': JSON.stringify({ name: 'case', private: true, dependencies: { express: '^4.21.2' } }),
    ...files,
  });
  dirs.push(dir);
  const model = ChainAnalyzer.open(dir).model();
  const findings = lint(model, options).findings.filter((f) => f.rule === 'swallowed-error');
  return { findings, points: swallowPoints(model, findings), files };
}

/** Each point as `finding line:column -> the code where it stops` (or why it cannot). */
function stops(files: Record<string, string>, options?: LintOptions): string[] {
  const { points } = analyse(files, options);
  return points.map((p) => show(p, files));
}

function show(p: SwallowPoint, files: Record<string, string>): string {
  const head = `${p.finding.line}:${p.finding.column}`;
  const extra = `${p.binding ? ` [${p.binding}]` : ''}${p.when ? ` when ${p.when}` : ''}`;
  if (!p.stopAt) return `${head} -> none (${p.reason})${extra}`;
  const line = files[p.stopAt.file]!.split('\n')[p.stopAt.line - 1]!;
  return `${head} -> ${p.stopAt.line}:${p.stopAt.column} ${line.slice(p.stopAt.column - 1).trim()}${extra}`;
}

const EMPTY =
  'V8 has no place to pause in a catch block without a statement; put a statement in it to stop there';

const handler = (body: string) => ({
  'app.js': APP(
    `app.get('/', async (req, res, next) => {\n${body}\n});\nasync function load() { return 1; }`,
  ),
});

describe('swallow points', () => {
  test('a catch with statements stops at the first, with the binding', () => {
    // lines: 1-2 the APP header, 3 the route, 4.. the body
    assert.deepEqual(
      stops(
        handler(
          `  try {\n    res.json(await load());\n  } catch (err) {\n    // logged only\n    console.error(err);\n    console.error('again');\n  }`,
        ),
      ),
      ['6:5 -> 8:5 console.error(err); [err]'],
    );
  });

  test('statements V8 cannot pause at are passed over, nested blocks looked into', () => {
    assert.deepEqual(
      stops(
        handler(
          `  try {\n    res.json(await load());\n  } catch (err) {\n    ;\n    var tried;\n    function helper() {}\n    {}\n    {\n      console.warn(err);\n    }\n  }`,
        ),
      ),
      ['6:5 -> 12:7 console.warn(err); [err]'],
    );
  });

  test('an empty catch block has no stop', () => {
    assert.deepEqual(stops(handler(`  try {\n    res.json(await load());\n  } catch (e) {}`)), [
      `6:5 -> none (${EMPTY}) [e]`,
    ]);
  });

  test('a catch without a binding: none when empty, its statement otherwise', () => {
    assert.deepEqual(stops(handler(`  try {\n    res.json(await load());\n  } catch {}`)), [
      `6:5 -> none (${EMPTY})`,
    ]);
    assert.deepEqual(
      stops(handler(`  try {\n    res.json(await load());\n  } catch {\n    console.warn('no load');\n  }`)),
      [`6:5 -> 7:5 console.warn('no load');`],
    );
  });

  test('a catch holding only comments has no stop', () => {
    assert.deepEqual(
      stops(handler(`  try {\n    res.json(await load());\n  } catch (err) {\n    // ignored\n  }`)),
      [`6:5 -> none (${EMPTY}) [err]`],
    );
  });

  test('.catch(() => {}) stops at the closing brace of the callback', () => {
    assert.deepEqual(
      stops({
        'app.js': APP(
          `app.get('/', (req, res) => {\n  Promise.resolve(1)\n    .then((x) => res.json(x))\n    .catch(() => {});\n});`,
        ),
      }),
      ['6:12 -> 6:19 });'],
    );
  });

  test('.catch callbacks with a parameter: the first statement, or the expression of an arrow', () => {
    assert.deepEqual(
      stops({
        'app.js': APP(
          `app.get('/a', (req, res) => {\n  load().then((x) => res.json(x)).catch((err) => {\n    console.log(err);\n  });\n});\n` +
            `app.get('/b', (req, res) => {\n  load().then((x) => res.json(x)).catch((e) => console.log(e));\n});\n` +
            `app.get('/c', (req, res) => {\n  load().then((x) => res.json(x)).catch(function onError(err) {});\n});\n` +
            `async function load() { return 1; }`,
        ),
      }),
      [
        '4:41 -> 5:5 console.log(err); [err]',
        '9:41 -> 9:48 console.log(e)); [e]',
        '12:41 -> 12:64 }); [err]',
      ],
    );
  });

  test('an err-first callback stops at its body, only when it gets an error', () => {
    assert.deepEqual(
      stops({
        'app.js': APP(
          `const fs = require('fs');\napp.get('/', (req, res) => {\n  fs.readFile('x', (err, buf) => {\n    if (err) { console.log(err); return; }\n    res.send(buf);\n  });\n});`,
        ),
      }),
      ['5:21 -> 6:5 if (err) { console.log(err); return; } [err] when err != null'],
    );
  });

  test('TypeScript: type-only statements are passed over', () => {
    const files = {
      'app.ts': `import express, { type NextFunction, type Request, type Response } from 'express';
const app = express();
app.get('/', async (req: Request, res: Response, next: NextFunction) => {
  try {
    res.json(await load());
  } catch (err: unknown) {
    type Reason = string;
    interface Noted { reason: Reason }
    const noted: Noted = { reason: String(err) };
    console.warn(noted);
  }
});
app.use((err: Error, req: Request, res: Response, next: NextFunction) => res.status(500).end());
async function load(): Promise<number> { return 1; }
export default app;
`,
    };
    const { points } = analyse(files);
    assert.deepEqual(
      points.map((p) => show(p, files)),
      ['6:5 -> 9:5 const noted: Noted = { reason: String(err) }; [err]'],
    );
    assert.equal(points[0]!.stopAt!.file, 'app.ts');
    assert.equal(points[0]!.label, 'swallowed error in the handler of GET /');
  });

  test('one point per finding, labelled like it; none for silenced findings or the rule off', () => {
    const files = {
      'app.js': `const express = require('express');
const { loadUser } = require('./load-user');
const app = express();
app.use(loadUser);
app.get('/', (req, res) => {
  try { res.json(JSON.parse(req.query.q)); } catch (e) { console.log(e); }
});
app.get('/quiet', (req, res) => {
  // mwchain-disable-next-line swallowed-error
  try { res.json(JSON.parse(req.query.q)); } catch (e) { console.log(e); }
});
app.use((err, req, res, next) => res.status(500).end());
`,
      'load-user.js': `exports.loadUser = function loadUser(req, res, next) {
  try {
    req.user = JSON.parse(req.headers['x-user']);
    next();
  } catch (err) {
    console.warn(err.message);
  }
};
`,
    };
    const { findings, points } = analyse(files);
    const where = (l: { file: string; line: number; column: number }) => `${l.file}:${l.line}:${l.column}`;
    assert.deepEqual(
      points.map((p) => where(p.finding)).sort(),
      findings.map((f) => where(f.location)).sort(),
    );
    assert.equal(findings.length, 2);
    assert.deepEqual(points.map((p) => [p.finding.file, p.label]).sort(), [
      ['app.js', 'swallowed error in the handler of GET /'],
      ['load-user.js', 'swallowed error in `loadUser`'],
    ]);
    assert.deepEqual(stops(files, { severities: { 'swallowed-error': 'off' } }), []);
  });
});
