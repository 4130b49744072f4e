// The live overlay end to end: test/fixtures/live-shop runs with the real agent (dist/agent.js),
// its trace feeds LiveStats, and every middleware that ran must map to the static model of the
// same app as the real analysis builds it; the tree and the graph then show it.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import type { AppGraph, Route } from '../../src/analysis/model';
import { graphLive } from '../../src/live/graph-live';
import type { LiveSnapshot } from '../../src/live/live-model';
import { LiveOverlay } from '../../src/live/live-overlay';
import { LiveStats } from '../../src/live/live-stats';
import { lint } from '../../src/lint/lint';
import type { TraceEvent } from '../../src/protocol/agent-messages';
import { appFlowchartWithNodes, routeFlowchartWithNodes } from '../../src/render/mermaid';
import { buildChainTree, STOPPED_ICON, type ChainNode } from '../../src/view-models/chain-tree';
import { RunningApp } from '../support/agent-app';
import { fixture } from '../support/fixtures';

const ROOT = fixture('live-shop');
const AUTH = { authorization: 'Bearer t' };

let events: TraceEvent[] = [];
let snapshot: LiveSnapshot;
let app: AppGraph;
let overlay: LiveOverlay;

before(async () => {
  const running = await RunningApp.start({ app: 'live-shop/app.js', env: { MWCHAIN_HANG_MS: '300' } });
  try {
    assert.equal((await running.get('/health')).status, 200);
    assert.equal((await running.get('/all')).status, 200);
    assert.equal((await running.get('/twice')).body, 'one');
    assert.equal((await running.get('/nope')).status, 404);
    assert.equal((await running.request('GET', '/orders/7', { headers: AUTH })).status, 200);
    assert.equal((await running.request('GET', '/orders/boom', { headers: AUTH })).status, 500);
    assert.equal((await running.request('GET', '/orders', { headers: AUTH })).status, 200);
    const body = JSON.stringify({ item: 'tea' });
    const created = await running.request('POST', '/orders', {
      headers: { ...AUTH, 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
    });
    assert.equal(created.status, 201);
    assert.equal((await running.get('/orders')).status, 401);
    await running.abandon('/stuck', 700); // the hang watch (300 ms) reports it first
    events = await running.events(
      (es) =>
        es.filter((e) => e.type === 'finish').length === 10 &&
        es.some((e) => e.type === 'finding' && e.kind === 'unterminated-middleware') &&
        es.some((e) => e.type === 'finding' && e.kind === 'double-response'),
      6000,
    );
  } finally {
    await running.stop();
  }
  const stats = new LiveStats();
  stats.accept('debug-1', { type: 'hello', token: 't', pid: 1, agentVersion: 'test' });
  for (const e of events) stats.accept('debug-1', e);
  snapshot = stats.snapshot();
  stats.dispose();
  const graph = ChainAnalyzer.open(ROOT).graph();
  assert.equal(graph.apps.length, 1);
  app = graph.apps[0]!;
  overlay = new LiveOverlay(snapshot);
});

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');
const routeOf = (label: string): Route => {
  const r = app.routes.find((x) => `${x.method} ${x.path}` === label);
  assert.ok(r, `static route ${label}`);
  return r;
};

test('the trace has every request, and the snapshot every middleware that ran', () => {
  assert.equal(snapshot.requests.length, 10);
  assert.ok(snapshot.middleware.length >= 14, `${snapshot.middleware.length} middleware`);
  assert.equal(snapshot.dropped, 0);
});

test('every middleware of the workspace that ran maps to its static function', () => {
  const mapped = snapshot.middleware
    .filter((m) => !m.definedAt.file.includes('node_modules'))
    .map((m) => {
      const s = overlay.staticOf(ROOT, app, m);
      const where = `${rel(m.definedAt.file)}:${m.definedAt.line}:${m.definedAt.column}`;
      return `${m.name} @ ${where} -> ${s ? `${s.name} @ ${s.loc.file}:${s.loc.line}:${s.loc.column}` : 'NONE'}`;
    })
    .sort();
  // param callbacks, when the agent reports them: `router.param('id', function loadOrder(...`
  const param = events.some((e) => e.type === 'enter' && e.name === 'loadOrder')
    ? [`loadOrder @ routes/orders.js:6:38 -> loadOrder @ routes/orders.js:6:29`]
    : [];
  const expected = [
    ...param,
    // `exports.requestId = (req, res, next) => {...}`: anonymous at run time, named statically
    '<anonymous> @ app.js:18:20 -> anonymous @ app.js:18:20',
    '<anonymous> @ lib/middleware.js:3:21 -> requestId @ lib/middleware.js:3:9',
    'create @ routes/orders.js:18:39 -> create @ routes/orders.js:18:33',
    'errorHandler @ app.js:40:30 -> errorHandler @ app.js:40:18',
    // `const handlers = { list(req, res) {...}, show: (req, res) => ... }`: two on one line
    'list @ routes/orders.js:11:24 -> handlers.list @ routes/orders.js:11:20',
    // `const listAll =\n  async (req, res) => {...}`: V8 one line below the name
    'listAll @ app.js:21:3 -> listAll @ app.js:20:7',
    'notFound @ app.js:36:26 -> notFound @ app.js:36:18',
    'requireAuth @ lib/middleware.js:8:43 -> requireAuth @ lib/middleware.js:8:32',
    'sendTwice @ app.js:31:37 -> sendTwice @ app.js:31:28',
    'show @ routes/orders.js:11:60 -> handlers.show @ routes/orders.js:11:54',
    'stall @ app.js:27:33 -> stall @ app.js:27:28',
    'timing @ app.js:12:24 -> timing @ app.js:12:18',
    // a factory's product and a wrapper's function: where the chain's function is defined
    "validator @ lib/middleware.js:16:28 -> validate('query') @ lib/middleware.js:16:19",
    'wrapped @ lib/middleware.js:24:26 -> wrap(…) @ lib/middleware.js:24:19',
  ];
  assert.deepEqual(mapped, expected.sort());
});

test('package middleware maps to its chain item by position (express.json() ran as jsonParser)', () => {
  const external = snapshot.middleware.filter((m) => m.definedAt.file.includes('node_modules'));
  assert.deepEqual(
    external.map((m) => m.name),
    ['jsonParser'],
  );
  for (const label of ['GET /health', 'GET /orders/:id', 'GET /stuck', 'ALL /']) {
    const route = routeOf(label);
    const json = route.chain.find((it) => it.name === 'express.json()')!;
    assert.equal(overlay.item(ROOT, app, json, route)?.key, external[0]!.key, label);
  }
});

test('each route gets its own requests: path, method, and the handler that ran', () => {
  const last = (label: string) => {
    const live = overlay.route(ROOT, app, routeOf(label));
    return live && `${live.last.method} ${live.last.url} ${live.last.status} (${live.requests.length})`;
  };
  assert.equal(last('GET /health'), 'GET /health 200 (1)');
  assert.equal(last('GET /all'), 'GET /all 200 (1)');
  assert.equal(last('GET /orders/:id'), 'GET /orders/7 200 (1)');
  // `/orders/boom` matches `/orders/:id` too, but its own handler is the one that ran
  assert.equal(last('GET /orders/boom'), 'GET /orders/boom 500 (1)');
  // the 401 stopped in requireAuth, before any handler: the route, not the catch-all
  assert.equal(last('GET /orders'), 'GET /orders 401 (2)');
  assert.equal(last('POST /orders'), 'POST /orders 201 (1)');
  assert.equal(last('ALL /'), 'GET /nope 404 (1)');
  assert.equal(last('GET /stuck'), 'GET /stuck 0 (1)');
  const stuck = overlay.route(ROOT, app, routeOf('GET /stuck'))!.last;
  assert.equal(stuck.stoppedAt?.name, 'stall');
  assert.equal(stuck.stoppedAt?.reason, 'unterminated-middleware');
  const twice = overlay.route(ROOT, app, routeOf('GET /twice'))!.last;
  assert.equal(twice.stoppedAt?.name, 'sendTwice');
  assert.equal(twice.stoppedAt?.reason, 'double-response');
});

test('the tree: counts and durations on items, where requests stopped, the last status on routes', () => {
  const a = ChainAnalyzer.open(ROOT);
  const l = lint(a.model());
  const analysis = {
    graph: a.graph(),
    lint: { schemaVersion: 1 as const, findings: l.findings, skipped: l.skipped },
    notes: [],
    millis: 0,
    files: 0,
  };
  // a fresh analysis: other objects than the overlay was asked about before
  const [appNode] = buildChainTree([{ root: ROOT, name: 'live-shop', analysis }], overlay);
  const route = (label: string) => appNode!.children.find((n) => n.label === label)!;
  const item = (r: ChainNode, label: string) => r.children.find((n) => n.label.endsWith(label))!;

  const health = route('GET /health');
  assert.match(health.description!, / · last: 200$/);
  // the walk names what ran by its static name where it has one
  assert.match(
    health.tooltip!,
    /^GET \/health → 200 in (<1|\d+) ms: jsonParser → requestId → timing → anonymous$/,
  );
  assert.equal(health.live, 'ran');
  assert.match(item(health, 'express.json()').description!, /^middleware · 10× · (<1|\d+) ms$/);
  assert.match(item(health, 'timing').description!, /^middleware · 10× · (<1|\d+) ms$/);
  assert.match(item(health, 'anonymous').description!, /^handler · 1× · (<1|\d+) ms$/);
  assert.match(item(health, 'timing').tooltip!, /\nLive: 10 calls, last took (<1|\d+) ms \(next 10\)$/);
  // the error handler did not run for this route, but it did run: its counts are the function's
  assert.match(route('GET /orders/boom').children.at(-1)!.children[0]!.description!, /errorHandler · 2×/);

  const stuck = route('GET /stuck');
  assert.equal(stuck.icon, STOPPED_ICON);
  assert.equal(stuck.live, 'stopped');
  assert.match(stuck.description!, /last: no response, stopped at stall \(unterminated-middleware\)$/);
  const stall = item(stuck, 'stall');
  assert.equal(stall.icon, STOPPED_ICON);
  assert.equal(stall.live, 'stopped');
  assert.match(stall.tooltip!, /\nGET \/stuck stopped here: unterminated-middleware \(.+\)$/);

  const twice = item(route('GET /twice'), 'sendTwice');
  assert.equal(twice.live, 'stopped');
  assert.match(twice.tooltip!, /GET \/twice stopped here: double-response/);

  // what did not run carries nothing (param callbacks: only if the agent reports them)
  const loadOrder = item(route('GET /orders/:id'), 'loadOrder');
  const ran = events.some((e) => e.type === 'enter' && e.name === 'loadOrder');
  assert.equal(loadOrder.live, ran ? 'ran' : undefined);
  assert.equal(/×/.test(loadOrder.description!), ran);

  // no overlay: the tree as before
  const [plain] = buildChainTree([{ root: ROOT, name: 'live-shop', analysis }]);
  const plainHealth = plain!.children.find((n) => n.label === 'GET /health')!;
  assert.equal(plainHealth.description, '4 items');
  assert.equal(plainHealth.live, undefined);
});

test('the graph: badges on the nodes that ran, red where a request stopped', () => {
  const stuck = routeOf('GET /stuck');
  const chart = routeFlowchartWithNodes(stuck);
  const nodes = graphLive(overlay, ROOT, app, stuck, chart.nodes);
  const label = (id: string) => new RegExp(`\\b${id}\\(?\\[?\\{?\\{?\\(?"([^"]*)"`).exec(chart.text)?.[1];
  const byLabel = Object.fromEntries(Object.entries(nodes).map(([id, n]) => [label(id), n]));
  assert.deepEqual(Object.keys(byLabel).sort(), [
    'GET /stuck',
    'errorHandler',
    'express.json()',
    'requestId',
    'stall · handler',
    'timing',
  ]);
  assert.equal(byLabel['GET /stuck']!.badge, 'no response');
  assert.equal(byLabel['GET /stuck']!.stopped, true);
  assert.match(byLabel['GET /stuck']!.title, /^last: no response, stopped at stall/);
  assert.match(byLabel['stall · handler']!.badge, /^1× · /);
  assert.equal(byLabel['stall · handler']!.stopped, true);
  assert.match(byLabel['stall · handler']!.title, /GET \/stuck stopped here: unterminated-middleware/);
  assert.match(byLabel['timing']!.badge, /^10× · /);
  assert.equal(byLabel['timing']!.stopped, false);

  // the app's chart: the same functions, wherever the tree shows them
  const appChart = appFlowchartWithNodes(app);
  const appNodes = graphLive(overlay, ROOT, app, undefined, appChart.nodes);
  assert.ok(Object.keys(appNodes).length >= 12, `${Object.keys(appNodes).length} app nodes annotated`);
  assert.ok(Object.values(appNodes).some((n) => n.stopped));

  // an empty overlay draws nothing
  const none = new LiveOverlay({ sessions: 1, middleware: [], requests: [], dropped: 0 });
  assert.deepEqual(graphLive(none, ROOT, app, stuck, chart.nodes), {});
});
