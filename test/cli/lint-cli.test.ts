// `mwchain lint` as the contract fixes it: formats, --fail-on and exit codes, suppressions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { LintJson } from '../../src/lint/findings';
import { tempWorkspace } from '../support/temp-workspace';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const mwchain = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const PKG = JSON.stringify({ name: 'x', private: true, dependencies: { express: '^4.21.2' } });
// one error (respond then next) and one warning (no error handler)
const DEFECTIVE = `const express = require('express');
const app = express();
app.use(function auth(req, res, next) {
  if (!req.get('authorization')) {
    res.sendStatus(401);
  }
  next();
});
app.get('/', (req, res) => res.end());
module.exports = app;
`;

test('text output looks like a compiler, with a summary; errors exit 1', () => {
  const dir = tempWorkspace({ 'package.json': PKG, 'app.js': DEFECTIVE });
  const r = mwchain('lint', dir);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(
    lines[0]!,
    /^app\.js:2:13 {2}warning {2}missing-error-handler {2}This app has no error handler/,
  );
  assert.match(lines[1]!, /^app\.js:7:3 {2}error {4}double-response {2}`auth` already responded at line 5/);
  assert.equal(lines.at(-1), '2 problems (1 error, 1 warning, 0 info)');
});

test('--fail-on decides the exit code', () => {
  const dir = tempWorkspace({
    'package.json': PKG,
    'app.js': DEFECTIVE.replace('  next();\n', '  else next();\n'),
  });
  assert.equal(mwchain('lint', dir).code, 0, 'only a warning: default --fail-on error passes');
  assert.equal(mwchain('lint', dir, '--fail-on', 'warning').code, 1);
  assert.equal(mwchain('lint', dir, '--fail-on', 'never').code, 0);
  assert.equal(mwchain('lint', dir, '--fail-on', 'sometimes').code, 2);
});

test('json output follows the contract', () => {
  const dir = tempWorkspace({ 'package.json': PKG, 'app.js': DEFECTIVE });
  const r = mwchain('lint', dir, '--format', 'json');
  const json = JSON.parse(r.stdout) as LintJson;
  assert.equal(json.schemaVersion, 1);
  assert.deepEqual(json.skipped, []);
  const f = json.findings.find((x) => x.rule === 'double-response')!;
  assert.deepEqual(f.location, { file: 'app.js', line: 7, column: 3 });
  assert.deepEqual(f.endLocation, { file: 'app.js', line: 7, column: 9 });
  assert.equal(f.severity, 'error');
  assert.deepEqual(f.routes, ['GET /']);
  assert.deepEqual(f.related, [
    { message: 'the first one', location: { file: 'app.js', line: 5, column: 5 } },
  ]);
});

test('suppressions silence findings; unused ones are reported as info', () => {
  const code = DEFECTIVE.replace(
    '  next();\n',
    '  // mwchain-disable-next-line double-response\n  next();\n',
  ).replace("app.get('/'", "// mwchain-disable-next-line swallowed-error\napp.get('/'");
  const dir = tempWorkspace({
    'package.json': PKG,
    'app.js': `/* mwchain-disable missing-error-handler */\n${code}`,
  });
  const json = JSON.parse(mwchain('lint', dir, '--format', 'json').stdout) as LintJson;
  assert.deepEqual(
    json.findings.map((f) => `${f.rule}@${f.location.line}:${f.severity}`),
    ['unused-suppression@11:info'],
  );
  assert.match(json.findings[0]!.message, /silences nothing/);
});

test('a missing directory is a usage error', () => {
  const r = mwchain('lint', '/no/such/place');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no such directory/);
});
