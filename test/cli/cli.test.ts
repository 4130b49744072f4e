// The command line as ../shared/CONTRACT.md section 1 fixes it, run as a user would: the built
// dist/cli.js in a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fixture } from '../support/fixtures';
import { parseMermaid } from '../support/mermaid-parser';
import type { GraphJson } from '../../src/analysis/model';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function mwchain(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--version and --help exit 0', () => {
  const v = mwchain('--version');
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
  const h = mwchain('--help');
  assert.equal(h.code, 0);
  assert.match(h.stdout, /mwchain graph \[DIR\]/);
});

test('usage errors exit 2 with one line on stderr and no stack', () => {
  for (const args of [
    ['graph', '/no/such/dir'],
    ['graph', fixture('cjs-basic'), '--format', 'yaml'],
    ['graph', fixture('cjs-basic'), '--bogus'],
    ['graph', fixture('cjs-basic'), '--route', 'GET /nope'],
    ['graph', fixture('cjs-basic'), '--app', 'nope:1'],
    ['graph', fixture('cjs-basic'), '--route'],
    ['frobnicate'],
    [],
  ]) {
    const r = mwchain(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  assert.match(mwchain('graph', '/no/such/dir').stderr, /\/no\/such\/dir: no such directory/);
});

test('json is the default format and stdout is clean JSON', () => {
  const r = mwchain('graph', fixture('cjs-basic'));
  assert.equal(r.code, 0);
  const graph = JSON.parse(r.stdout) as GraphJson;
  assert.equal(graph.schemaVersion, 1);
  assert.equal(graph.apps[0]!.id, 'src/app.js:5');
  assert.equal(r.stderr, '');
});

test('no app found: empty apps, a note on stderr, exit 0', () => {
  const r = mwchain('graph', fixture('no-app'), '--format', 'json');
  assert.equal(r.code, 0);
  assert.deepEqual(JSON.parse(r.stdout), { schemaVersion: 1, apps: [], skipped: [] });
  assert.match(r.stderr, /no app found/);
});

test('a file that does not parse is reported and the rest analysed', () => {
  const r = mwchain('graph', fixture('parse-error'));
  assert.equal(r.code, 0);
  const graph = JSON.parse(r.stdout) as GraphJson;
  assert.deepEqual(
    graph.skipped.map((s) => s.file),
    ['broken.js'],
  );
  assert.deepEqual(
    graph.apps[0]!.routes.map((x) => `${x.method} ${x.path}`),
    ['GET /fine'],
  );
  assert.match(r.stderr, /skipped broken\.js: does not parse/);
});

test('--route selects one route; mermaid output is a valid flowchart', async () => {
  const json = mwchain('graph', fixture('cjs-basic'), '--route', 'GET /api/users/:id');
  const graph = JSON.parse(json.stdout) as GraphJson;
  assert.deepEqual(
    graph.apps[0]!.routes.map((x) => `${x.method} ${x.path}`),
    ['GET /api/users/:id'],
  );
  const mmd = mwchain('graph', fixture('cjs-basic'), '--route', 'get /api/users/:id', '--format', 'mermaid');
  assert.equal(mmd.code, 0);
  assert.match(mmd.stdout, /^flowchart LR\n/);
  assert.match(mmd.stdout, /requireAuth/);
  await parseMermaid(mmd.stdout);
});

test('--app selects one app; text format is a readable tree', () => {
  const r = mwchain('graph', fixture('cjs-basic'), '--app', 'src/app.js:5', '--format=text');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^express app src\/app\.js:5 \(express \^4\.21\.2\)\n/);
  assert.match(r.stdout, /GET \/api\/users\/:id\n\s+1\. requestId\s+middleware\s+src\/middleware\.js:3:9/);
  assert.match(r.stdout, /on error:\n\s+1\. errorHandler\s+errorHandler/);
});

test('mermaid for a whole app parses', async () => {
  const r = mwchain('graph', fixture('sub-apps'), '--format', 'mermaid');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^flowchart TD\n/);
  await parseMermaid(r.stdout);
});
