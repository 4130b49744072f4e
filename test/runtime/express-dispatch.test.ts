// The static chains against what Express really dispatches: every test/fixtures/runtime-* app is
// started for real (Express 4 and Express 5) with test/support/record-dispatch.cjs preloaded, every
// static route gets one HTTP request, and the functions Express invoked for it (file:line of their
// definitions, `external` for package middleware) must be the route's static `chain`, followed by
// its `errorChain` for the routes that fail on purpose.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import type { AppGraph, Item, Route } from '../../src/analysis/model';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const PRELOAD = path.resolve(__dirname, '../support/record-dispatch.cjs');
const START_TIMEOUT_MS = 8000;
const REQUEST_TIMEOUT_MS = 3000;
const SAMPLE_PARAM = '42';

/** Routes whose handler fails on purpose: the request runs `chain`, then `errorChain`. */
const ERROR_ROUTES: Record<string, string[]> = {
  'runtime-routers': ['GET /api/users/:id/fail'],
  'runtime-nested': ['GET /admin/crash'],
  'runtime-same-prefix': ['GET /api/reports/broken'],
  'runtime-errors': ['GET /jobs/:jobId/run', 'GET /jobs/batch/:batchId', 'GET /^\\/legacy\\/.*/'],
};

/** Request paths for routes whose pattern has no obvious sample (regular expressions). */
const SAMPLE_PATHS: Record<string, Record<string, string>> = {
  'runtime-same-prefix': { '/^\\/api\\/.*/': '/api/x/y' },
  'runtime-errors': { '/^\\/legacy\\/.*/': '/legacy/2020/q1' },
};

const fixtureNames = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name.startsWith('runtime-'))
  .map((e) => e.name)
  .sort();

// ---- child processes -------------------------------------------------------------------------

const children = new Set<ChildProcess>();
const killAll = (): void => {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
};
process.on('exit', killAll);
after(killAll);

interface Dispatch {
  id: string;
  status: number;
  seq: string[];
}

interface RunningApp {
  port: number;
  express: string;
  /** the dispatch record of one request id, once its response finished. */
  dispatch(id: string): Promise<Dispatch>;
  stop(): void;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function startApp(dir: string, entry: string, version: '4' | '5'): Promise<RunningApp> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('MWCHAIN_') || k === 'NODE_TEST_CONTEXT') delete env[k];
  Object.assign(env, {
    MWCHAIN_EXPRESS: version,
    MWCHAIN_FIXTURE_ENTRY: entry,
    MWCHAIN_FIXTURE_DIR: dir,
    MWCHAIN_EXIT_ON_STDIN_END: '1',
    NODE_ENV: 'test',
  });
  const child = spawn(process.execPath, ['-r', PRELOAD, entry], {
    cwd: dir,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  const stop = (): void => {
    child.kill('SIGKILL');
    children.delete(child);
  };

  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Map<string, Dispatch>();
  const waiting = new Map<string, (d: Dispatch) => void>();
  let exited: ((e: Error) => void) | undefined;
  const exit = new Promise<never>((_, reject) => (exited = reject));
  exit.catch(() => {}); // observed through the races below
  child.on('exit', (code, signal) =>
    exited!(new Error(`app exited (${code ?? signal}); stderr:\n${stderr}`)),
  );

  const listening = new Promise<{ port: number; express: string }>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let msg: { mwchain?: string; port?: number; express?: string } & Partial<Dispatch>;
      try {
        msg = JSON.parse(line);
      } catch {
        return; // the app's own output
      }
      if (msg.mwchain === 'listening') resolve({ port: msg.port!, express: msg.express! });
      if (msg.mwchain === 'dispatch') {
        const d = { id: msg.id!, status: msg.status!, seq: msg.seq! };
        done.set(d.id, d);
        waiting.get(d.id)?.(d);
      }
    });
  });

  try {
    const { port, express } = await withTimeout(
      Promise.race([listening, exit]),
      START_TIMEOUT_MS,
      `start ${entry}`,
    );
    return {
      port,
      express,
      stop,
      dispatch: (id) => {
        const known = done.get(id);
        const p = known
          ? Promise.resolve(known)
          : new Promise<Dispatch>((resolve) => waiting.set(id, resolve));
        return withTimeout(Promise.race([p, exit]), REQUEST_TIMEOUT_MS, `dispatch record of ${id}`);
      },
    };
  } catch (e) {
    stop();
    throw e;
  }
}

function request(port: number, method: string, urlPath: string, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: urlPath, agent: false, headers: { 'x-mwchain-id': id } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(new Error(`${method} ${urlPath}: no response in time`)),
    );
    req.on('error', reject);
    req.end();
  });
}

// ---- static side -----------------------------------------------------------------------------

const label = (i: Item): string => (i.definedAt ? `${i.definedAt.file}:${i.definedAt.line}` : 'external');
const describeItems = (items: Item[]): string => items.map((i) => `${i.name} @ ${label(i)}`).join('\n  ');

/** A route a plain request can target: a string path of literal segments and `:name` params. */
function requestPath(fixture: string, r: Route): string | undefined {
  if (r.catchAll || r.unresolved) return undefined;
  const sample = SAMPLE_PATHS[fixture]?.[r.path];
  if (sample) return sample;
  if (!r.path.startsWith('/')) return undefined;
  const segments = r.path.split('/');
  if (!segments.every((s) => /^[\w.~-]*$/.test(s) || /^:\w+$/.test(s))) return undefined;
  return segments.map((s) => (s.startsWith(':') ? SAMPLE_PARAM : s)).join('/');
}

function entryOf(dir: string): string {
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { main?: string };
  return pkg.main ?? 'index.js';
}

function appOf(dir: string, entry: string): AppGraph {
  const graph = ChainAnalyzer.open(dir).graph();
  const app = graph.apps.find((a) => a.location.file === path.posix.normalize(entry));
  assert.ok(app, `no app created in ${entry}; apps: ${graph.apps.map((a) => a.id).join(', ')}`);
  return app;
}

// ---- the comparison --------------------------------------------------------------------------

for (const name of fixtureNames) {
  describe(name, () => {
    const dir = path.join(FIXTURES, name);
    const entry = entryOf(dir);
    let app: AppGraph | undefined;
    const staticApp = (): AppGraph => (app ??= appOf(dir, entry));

    test('the routes named in ERROR_ROUTES and SAMPLE_PATHS exist statically', () => {
      const keys = new Set(staticApp().routes.map((r) => `${r.method} ${r.path}`));
      const paths = new Set(staticApp().routes.map((r) => r.path));
      for (const k of ERROR_ROUTES[name] ?? []) assert.ok(keys.has(k), `${name}: no static route ${k}`);
      for (const p of Object.keys(SAMPLE_PATHS[name] ?? {}))
        assert.ok(paths.has(p), `${name}: no static path ${p}`);
    });

    for (const version of ['4', '5'] as const) {
      test(`express ${version}: runtime dispatch equals the static chains`, { timeout: 20000 }, async (t) => {
        const routes = staticApp().routes;
        const running = await startApp(dir, entry, version);
        try {
          assert.ok(
            running.express.startsWith(`${version}.`),
            `expected express ${version}, got ${running.express}`,
          );
          let n = 0;
          let requested = 0;
          for (const route of routes) {
            const urlPath = requestPath(name, route);
            const key = `${route.method} ${route.path}`;
            if (!urlPath) {
              t.diagnostic(`skipped ${key} (${route.catchAll ? 'catch-all' : 'not a plain path'})`);
              continue;
            }
            requested++;
            await t.test(`${key} -> ${urlPath}`, async () => {
              const fails = (ERROR_ROUTES[name] ?? []).includes(key);
              // an `all()` route is a pass-through: the request goes on past its chain
              const passThrough = route.method === 'ALL';
              const method = passThrough ? 'GET' : route.method;
              const id = `${version}-${++n}`;
              const status = await request(running.port, method, urlPath, id);
              const { seq } = await running.dispatch(id);
              const expectedItems = fails ? [...route.chain, ...route.errorChain] : route.chain;
              const expected = expectedItems.map(label);
              const actual = passThrough ? seq.slice(0, expected.length) : seq;
              const message =
                `${name}, express ${version}, ${method} ${urlPath} (static ${key})\n` +
                `static ${fails ? 'chain + errorChain' : 'chain'}:\n  ${describeItems(expectedItems)}\n` +
                `runtime:\n  ${seq.join('\n  ')}`;
              if (fails) assert.equal(status, 500, `a failing route answers 500\n${message}`);
              else assert.ok(status < 500, `status ${status}\n${message}`);
              assert.deepEqual(actual, expected, message);
            });
          }
          assert.ok(requested > 0, 'no route was requested');
        } finally {
          running.stop();
        }
      });
    }
  });
}

// ---- the recorder itself, against sequences written by hand from Express's documented behaviour --

interface RecorderCase {
  fixture: string;
  method: string;
  path: string;
  status: number;
  seq: string[];
}

const RECORDER_CASES: RecorderCase[] = [
  {
    // package middleware is `external`; a router.param callback runs before the route's functions
    fixture: 'runtime-routers',
    method: 'GET',
    path: '/api/users/7/posts',
    status: 200,
    seq: [
      'external',
      'middleware/logging.js:3',
      'middleware/logging.js:8',
      'middleware/auth.js:3',
      'routes/users.js:9',
      'middleware/auth.js:8',
      'routes/users.js:27',
    ],
  },
  {
    // a request no route ends runs a route's all() layer, then the 404 handler
    fixture: 'runtime-routers',
    method: 'PATCH',
    path: '/api/products/7',
    status: 404,
    seq: [
      'external',
      'middleware/logging.js:3',
      'middleware/logging.js:8',
      'routes/products.js:6',
      'app.js:30',
    ],
  },
  {
    // errors skip non-error layers and reach 4-argument functions only
    fixture: 'runtime-routers',
    method: 'GET',
    path: '/api/users/7/fail',
    status: 500,
    seq: [
      'external',
      'middleware/logging.js:3',
      'middleware/logging.js:8',
      'middleware/auth.js:3',
      'routes/users.js:9',
      'routes/users.js:31',
      'routes/users.js:35',
      'app.js:34',
    ],
  },
  {
    // mounted routers and sub-apps are plumbing (not recorded), the functions inside them are
    fixture: 'runtime-nested',
    method: 'GET',
    path: '/admin/stats',
    status: 200,
    seq: ['lib/common.js:3', 'lib/common.js:8', 'external', 'admin/app.js:6', 'admin/app.js:12'],
  },
];

describe('record-dispatch itself', () => {
  for (const version of ['4', '5'] as const) {
    test(`express ${version}: records the hand-written sequences`, { timeout: 20000 }, async () => {
      for (const fixtureName of [...new Set(RECORDER_CASES.map((c) => c.fixture))]) {
        const dir = path.join(FIXTURES, fixtureName);
        const running = await startApp(dir, entryOf(dir), version);
        try {
          let n = 0;
          for (const c of RECORDER_CASES.filter((x) => x.fixture === fixtureName)) {
            const id = `self-${++n}`;
            const status = await request(running.port, c.method, c.path, id);
            const d = await running.dispatch(id);
            assert.equal(status, c.status, `${c.method} ${c.path}`);
            assert.equal(d.status, c.status, `${c.method} ${c.path}`);
            assert.deepEqual(d.seq, c.seq, `${fixtureName}, express ${version}, ${c.method} ${c.path}`);
          }
        } finally {
          running.stop();
        }
      }
    });
  }
});
