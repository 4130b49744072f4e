// How the agent lives in the app's process: ES module apps, TypeScript (tsx, and compiled with a
// source map) reported at the original lines, the off switch, a second load, and a trace file
// it cannot write.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { AGENT, FIXTURES, ROOT, RunningApp, ridOf, walk } from '../support/agent-app';

const TS_APP = path.join(FIXTURES, 'agent-express-typescript', 'app.ts');

describe('an ES module app', () => {
  test('is instrumented through its import of Express', async () => {
    const app = await RunningApp.start({ app: 'agent-express-esm/app.mjs' });
    try {
      assert.deepEqual(JSON.parse((await app.get('/me')).body), { user: 'ada' });
      const events = await app.events((e) => e.some((x) => x.type === 'finish'));
      assert.deepEqual(walk(events, ridOf(events, 'GET', '/me')), [
        '>authenticate',
        'authenticate:next',
        '>showMe',
        'showMe:response',
        'finish 200',
      ]);
      const auth = events.find((e) => e.type === 'enter' && e.name === 'authenticate');
      assert.ok(auth?.type === 'enter');
      assert.equal(auth.definedAt.file, path.join(FIXTURES, 'agent-express-esm', 'auth.mjs'));
      assert.equal(auth.definedAt.line, 1);
    } finally {
      await app.stop();
    }
  });
});

describe('TypeScript apps report the lines of the TypeScript source', () => {
  let outDir: string;
  before(async () => {
    mkdirSync(path.join(ROOT, '.test-tmp'), { recursive: true });
    outDir = mkdtempSync(path.join(ROOT, '.test-tmp', 'agent-ts-'));
    await build({
      entryPoints: [TS_APP],
      outfile: path.join(outDir, 'app.js'),
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'cjs',
      sourcemap: 'linked',
      logLevel: 'silent',
    });
  });
  after(() => rmSync(outDir, { recursive: true, force: true }));

  const expectTsLines = async (app: RunningApp): Promise<void> => {
    assert.deepEqual(JSON.parse((await app.get('/session')).body), { user: 'ada' });
    const events = await app.events((e) => e.some((x) => x.type === 'finish'));
    const entered = events.filter((e) => e.type === 'enter');
    assert.deepEqual(
      entered.map((e) => e.type === 'enter' && [e.name, e.definedAt.file, e.definedAt.line]),
      [
        ['loadSession', TS_APP, 11],
        ['showSession', TS_APP, 16],
      ],
    );
  };

  test('run through tsx', async () => {
    const app = await RunningApp.start({
      app: 'agent-express-typescript/app.ts',
      nodeArgs: ['--import', 'tsx'],
    });
    try {
      await expectTsLines(app);
    } finally {
      await app.stop();
    }
  });

  test('compiled to JavaScript with a source map file', async () => {
    const app = await RunningApp.start({ app: path.relative(FIXTURES, path.join(outDir, 'app.js')) });
    try {
      await expectTsLines(app);
    } finally {
      await app.stop();
    }
  });
});

describe('switches and safety', () => {
  test('MWCHAIN_AGENT=off: no trace, no hooks', async () => {
    const app = await RunningApp.start({ app: 'agent-express-esm/app.mjs', env: { MWCHAIN_AGENT: 'off' } });
    try {
      assert.equal((await app.get('/me')).status, 200);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(app.readTrace(), []);
      assert.equal(app.stderr, '');
    } finally {
      await app.stop();
    }
  });

  test('loaded twice (--require and NODE_OPTIONS), it instruments once', async () => {
    const app = await RunningApp.start({
      app: 'agent-express-esm/app.mjs',
      env: { NODE_OPTIONS: `--require ${AGENT}` },
    });
    try {
      await app.get('/me');
      const events = await app.events((e) => e.some((x) => x.type === 'finish'));
      assert.equal(events.filter((e) => e.type === 'request').length, 1);
      assert.equal(events.filter((e) => e.type === 'enter' && e.name === 'authenticate').length, 1);
    } finally {
      await app.stop();
    }
  });

  test('a trace file it cannot write: one warning line, the app unharmed', async () => {
    const app = await RunningApp.start({
      app: 'agent-express-esm/app.mjs',
      trace: false,
      env: { MWCHAIN_TRACE: path.join(ROOT, 'no-such-dir', 'trace.jsonl') },
    });
    try {
      assert.deepEqual(JSON.parse((await app.get('/me')).body), { user: 'ada' });
      const lines = app.stderr.trim().split('\n');
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^mwchain agent: cannot write the trace file .*no-such-dir/);
    } finally {
      await app.stop();
    }
  });
});
