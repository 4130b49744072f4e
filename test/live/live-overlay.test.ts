// Runtime functions (V8's locations, as the agent reports them) against the static model's
// (the name's location). The V8 positions below are what Node reports for these forms
// (checked with the agent: test/live/live-agent.test.ts runs a real app).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppGraph, Item, Loc } from '../../src/analysis/model';
import type { LiveSnapshot } from '../../src/live/live-model';
import { LiveOverlay, matchRuntime, type StaticFunction } from '../../src/live/live-overlay';
import { LiveStats } from '../../src/live/live-stats';
import type { RuntimeLoc } from '../../src/protocol/agent-messages';

const fn = (file: string, line: number, column: number, name: string): StaticFunction => ({
  loc: { file, line, column },
  name,
});

const STATIC = [
  fn('app.js', 3, 10, 'named'), //          function named(req, res, next) {...}
  fn('app.js', 4, 7, 'arrow'), //           const arrow = (req, res, next) => ...
  fn('app.js', 5, 7, 'asyncArrow'), //      const asyncArrow = async (req, res, next) => ...
  fn('app.js', 7, 15, 'obj.method'), //     const obj = { method(req, res, next) {...}, prop: (req, res, next) => ... }
  fn('app.js', 7, 51, 'obj.prop'),
  fn('app.js', 10, 9, 'anonymous'), //      app.use((req, res, next) => next());
  fn('app.js', 20, 7, 'listAll'), //        const listAll =\n  async (req, res) => {...}
  fn('lib/m.js', 3, 9, 'requestId'), //     exports.requestId = (req, res, next) => {...}
];

const CASES: [
  what: string,
  name: string,
  file: string,
  line: number,
  column: number,
  expected: string | undefined,
][] = [
  ['function declaration: V8 at its `(`', 'named', '/ws/app.js', 3, 15, 'named'],
  ['arrow in a const: V8 at the arrow', 'arrow', '/ws/app.js', 4, 15, 'arrow'],
  ['async arrow: V8 at `async`', 'asyncArrow', '/ws/app.js', 5, 20, 'asyncArrow'],
  ['two functions on one line: the method', 'method', '/ws/app.js', 7, 21, 'obj.method'],
  ['two functions on one line: the property', 'prop', '/ws/app.js', 7, 57, 'obj.prop'],
  ['an inline arrow: the same position', '<anonymous>', '/ws/app.js', 10, 9, 'anonymous'],
  ['a declaration over two lines: the name just above', 'listAll', '/ws/app.js', 21, 3, 'listAll'],
  ['an anonymous function assigned to exports.x', '<anonymous>', '/ws/lib/m.js', 3, 21, 'requestId'],
  ['a package function', 'jsonParser', '/ws/node_modules/body-parser/lib/types/json.js', 59, 30, undefined],
  ['a file outside the folder', 'named', '/elsewhere/app.js', 3, 15, undefined],
  ['an anonymous function on no static line', '<anonymous>', '/ws/app.js', 40, 3, undefined],
];

for (const [what, name, file, line, column, expected] of CASES) {
  test(what, () => {
    const found = matchRuntime('/ws', STATIC, { name, definedAt: { file, line, column } });
    assert.equal(found?.name, expected);
  });
}

test('a name the file has, far from any static line, matches by name', () => {
  const found = matchRuntime('/ws', STATIC, {
    name: 'named',
    definedAt: { file: '/ws/app.js', line: 90, column: 1 },
  });
  assert.equal(found?.name, 'named');
});

test('the folder reached through a symbolic link: matched by folder name and relative path', () => {
  const found = matchRuntime('/home/me/ws', STATIC, {
    name: 'named',
    definedAt: { file: '/mnt/disk/ws/app.js', line: 3, column: 15 },
  });
  assert.equal(found?.name, 'named');
  const other = matchRuntime('/home/me/ws', STATIC, {
    name: 'named',
    definedAt: { file: '/mnt/disk/other/app.js', line: 3, column: 15 },
  });
  assert.equal(other, undefined);
});

test('Windows paths: backslashes and the case of the drive do not matter', () => {
  const found = matchRuntime('C:\\Work\\WS', STATIC, {
    name: 'requestId',
    definedAt: { file: 'c:\\work\\ws\\lib\\m.js', line: 3, column: 21 },
  });
  assert.equal(found?.name, 'requestId');
});

test('a file:// URL (an ES module the source map did not map)', () => {
  const found = matchRuntime('/ws', STATIC, {
    name: 'named',
    definedAt: { file: 'file:///ws/app.js', line: 3, column: 15 },
  });
  assert.equal(found?.name, 'named');
});

// ---- a hand-made app: chain items, package middleware, routes --------------------------------

const item = (name: string, kind: Item['kind'], definedAt: Loc | null, registeredAt: Loc): Item => ({
  name,
  kind,
  registeredAt,
  definedAt,
  mount: '/',
  conditional: false,
});
const L = (line: number, column: number): Loc => ({ file: 'app.js', line, column });
const cors = item('cors()', 'middleware', null, L(3, 9));
const auth = item('auth', 'middleware', L(10, 10), L(4, 9));
// `asyncHandler(getOrder)`: statically the wrapped function, at run time the package's wrapper
const getOrder = item('asyncHandler(getOrder)', 'handler', L(20, 16), L(6, 22));
const stats = item('orderStats', 'handler', L(30, 10), L(7, 28));
const errors = item('onError', 'errorHandler', L(40, 10), L(8, 9));
const APP: AppGraph = {
  id: 'app.js:1',
  framework: 'express',
  frameworkVersion: '5.1.0',
  location: L(1, 13),
  routes: [
    {
      method: 'GET',
      path: '/orders/stats',
      location: L(7, 5),
      chain: [cors, auth, stats],
      errorChain: [errors],
    },
    {
      method: 'GET',
      path: '/orders/:id',
      location: L(6, 5),
      chain: [cors, auth, getOrder],
      errorChain: [errors],
    },
  ],
  tree: [],
};

function snapshotOf(requests: { rid: number; url: string; steps: string[]; status: number }[]): LiveSnapshot {
  const runtime: Record<string, RuntimeLoc> = {
    corsMiddleware: { file: '/ws/node_modules/cors/lib/index.js', line: 188, column: 43 },
    auth: { file: '/ws/app.js', line: 10, column: 18 },
    asyncUtilWrap: { file: '/ws/node_modules/express-async-handler/index.js', line: 2, column: 34 },
    orderStats: { file: '/ws/app.js', line: 30, column: 20 },
  };
  const stats = new LiveStats();
  for (const r of requests) {
    stats.accept('s', { type: 'request', t: r.rid, rid: r.rid, method: 'GET', url: r.url });
    for (const name of r.steps) {
      stats.accept('s', { type: 'enter', t: r.rid, rid: r.rid, name, definedAt: runtime[name]! });
      stats.accept('s', { type: 'exit', t: r.rid, rid: r.rid, name, outcome: 'next' });
    }
    stats.accept('s', { type: 'finish', t: r.rid, rid: r.rid, status: r.status });
  }
  return stats.snapshot();
}

test('package middleware and package wrappers: found by their position in the chain that ran', () => {
  const overlay = new LiveOverlay(
    snapshotOf([
      { rid: 1, url: '/orders/7', steps: ['corsMiddleware', 'auth', 'asyncUtilWrap'], status: 200 },
    ]),
  );
  const [byId] = APP.routes.slice(1);
  assert.equal(overlay.item('/ws', APP, cors, byId)?.name, 'corsMiddleware');
  assert.equal(overlay.item('/ws', APP, auth, byId)?.name, 'auth');
  assert.equal(overlay.item('/ws', APP, getOrder, byId)?.name, 'asyncUtilWrap');
  assert.equal(overlay.item('/ws', APP, errors, byId), undefined, 'the error handler did not run');
  // without a route, package middleware has nothing to go by
  assert.equal(overlay.item('/ws', APP, cors), undefined);
});

test('a request goes to the route whose handler ran, among those its path matches', () => {
  const overlay = new LiveOverlay(
    snapshotOf([
      { rid: 1, url: '/orders/stats', steps: ['corsMiddleware', 'auth', 'orderStats'], status: 200 },
      { rid: 2, url: '/orders/9', steps: ['corsMiddleware', 'auth', 'asyncUtilWrap'], status: 200 },
      // stopped before any handler: every route its path matches
      { rid: 3, url: '/orders/stats?x', steps: ['corsMiddleware'], status: 401 },
    ]),
  );
  const [statsRoute, byId] = APP.routes;
  assert.deepEqual(
    overlay.route('/ws', APP, statsRoute!)?.requests.map((r) => r.rid),
    [3, 1],
  );
  // `/orders/stats` matches `/orders/:id` too, but orderStats is what ran for request 1
  assert.deepEqual(
    overlay.route('/ws', APP, byId!)?.requests.map((r) => r.rid),
    [3, 2],
  );
  assert.equal(overlay.nameOf('/ws', APP)({ key: '/ws/app.js:10:18', name: '<anonymous>' }), 'auth');
});

test('requests of another app (functions that ran, none of them this one) are not its', () => {
  const overlay = new LiveOverlay(snapshotOf([{ rid: 1, url: '/orders/7', steps: ['auth'], status: 200 }]));
  assert.equal(overlay.route('/elsewhere', APP, APP.routes[1]!), undefined);
  assert.ok(overlay.route('/ws', APP, APP.routes[1]!));
});
