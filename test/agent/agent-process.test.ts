// How the agent lives in the app's process: ES module apps, TypeScript (tsx, and compiled with a
// source map) reported at the original lines, the off switch, a second load, and a trace file
// it cannot write.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { AGENT, type AppOptions, FIXTURES, ROOT, RunningApp, ridOf, walk } from '../support/agent-app';

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

describe('the Debugger domain, which lists scripts, is on only while the app starts', () => {
  // Turned on in a warm app, it slowed that app for the rest of its life (src/agent/locations.ts).
  const SPY = path.join(ROOT, 'test', 'support', 'inspector-spy.cjs');
  let dir: string;
  before(() => {
    mkdirSync(path.join(ROOT, '.test-tmp'), { recursive: true });
    dir = mkdtempSync(path.join(ROOT, '.test-tmp', 'agent-spy-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** `app` run with the spy preloaded; `posts()` reads what it noted so far. */
  const startSpied = async (app: string, options: Partial<AppOptions> = {}) => {
    const spyFile = path.join(dir, `${path.basename(app)}.posts.txt`);
    const running = await RunningApp.start({
      ...options,
      app,
      env: { NODE_OPTIONS: `--require ${SPY}`, INSPECTOR_SPY_FILE: spyFile, ...options.env },
    });
    return { app: running, posts: () => readFileSync(spyFile, 'utf8').trim().split('\n') };
  };

  test("on from the agent's load, off before the first request, and the locations still found", async () => {
    const { app, posts: read } = await startSpied('agent-express-esm/app.mjs');
    try {
      await app.get('/me');
      await app.get('/me');
      const events = await app.events((e) => e.filter((x) => x.type === 'finish').length === 2);
      const auth = events.find((e) => e.type === 'enter' && e.name === 'authenticate');
      assert.ok(auth?.type === 'enter');
      assert.equal(auth.definedAt.file, path.join(FIXTURES, 'agent-express-esm', 'auth.mjs'));
      const posts = read();
      const firstRequest = posts.indexOf('request');
      assert.deepEqual(
        posts.slice(0, firstRequest).filter((p) => p.startsWith('Debugger.')),
        ['Debugger.enable', 'Debugger.setSkipAllPauses', 'Debugger.disable'],
      );
      assert.ok(!posts.slice(firstRequest).includes('Debugger.enable'), posts.join(', '));
    } finally {
      await app.stop();
    }
  });

  test('with the trace off, never: a finding after full GCs is located from coverage and the file', async () => {
    const { app, posts: read } = await startSpied('agent-trace-off-finding/app.cjs', {
      trace: false,
      nodeArgs: ['--expose-gc'],
      env: { MWCHAIN_HANG_MS: '300' },
    });
    try {
      assert.equal((await app.get('/ok')).body, 'ok');
      await app.abandon('/hang', 1000);
      for (let wait = 0; wait < 40 && !app.stderr.includes('unterminated'); wait++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const file = path.join(FIXTURES, 'agent-trace-off-finding', 'forgetful.cjs');
      assert.match(app.stderr, /unterminated-middleware on GET \/hang/);
      assert.ok(app.stderr.includes(`(${file}:1:39)`), app.stderr);
      const posts = read();
      assert.ok(posts.includes('Profiler.getBestEffortCoverage'), posts.join(', '));
      assert.ok(!posts.some((p) => p.startsWith('Debugger.')), posts.join(', '));
    } finally {
      await app.stop();
    }
  });

  test("a debugger statement while the app starts: the agent's session skips it", async () => {
    const { app, posts: read } = await startSpied('agent-express-esm/debugger-at-start.mjs');
    try {
      assert.equal((await app.get('/me')).status, 200);
      const posts = read();
      assert.ok(posts.includes('Debugger.setSkipAllPauses'), posts.join(', '));
      assert.ok(!posts.includes('paused'), posts.join(', '));
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
