// The tree's view model with the live overlay: a real analysis of a fixture, and the stats a
// debug session of it would have (LiveStats fed by hand, V8's columns a few past the names).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ChainAnalyzer } from '../../src/analysis/analyzer';
import type { Loc } from '../../src/analysis/model';
import { LiveOverlay } from '../../src/live/live-overlay';
import { LiveStats } from '../../src/live/live-stats';
import { lint } from '../../src/lint/lint';
import type { AnalysisResult } from '../../src/protocol/analysis-messages';
import type { RuntimeLoc, TraceEvent } from '../../src/protocol/agent-messages';
import { buildChainTree, STOPPED_ICON, type ChainNode } from '../../src/view-models/chain-tree';
import { fixture } from '../support/fixtures';

const root = fixture('cjs-basic');

function analysisOf(): AnalysisResult {
  const a = ChainAnalyzer.open(root);
  const l = lint(a.model());
  return {
    graph: a.graph(),
    lint: { schemaVersion: 1, findings: l.findings, skipped: l.skipped },
    notes: [],
    millis: 0,
    files: 0,
  };
}

const analysis = analysisOf();
const app = analysis.graph.apps[0]!;
const route = app.routes.find((r) => r.method === 'GET' && r.path === '/api/users/:id')!;
/** Where V8 would put the function named at `loc`: the same line, a little to the right. */
const v8 = (loc: Loc): RuntimeLoc => ({
  file: path.join(root, loc.file),
  line: loc.line,
  column: loc.column + 6,
});
const fn = (name: string) => {
  const it = [...route.chain, ...route.errorChain].find((i) => i.name === name)!;
  return { name, definedAt: v8(it.definedAt!) };
};
const JSON_PARSER = {
  name: 'jsonParser',
  definedAt: { file: '/pkg/node_modules/body-parser/json.js', line: 1, column: 1 },
};

/** A request through `steps`: [middleware, how it left, ms]. */
function walk(
  rid: number,
  t: number,
  url: string,
  steps: [{ name: string; definedAt: RuntimeLoc }, 'next' | 'response' | 'error' | 'pending', number][],
  status: number | null,
): TraceEvent[] {
  const out: TraceEvent[] = [{ type: 'request', t, rid, method: 'GET', url }];
  for (const [m, outcome, ms] of steps) {
    out.push({ type: 'enter', t, rid, name: m.name, definedAt: m.definedAt });
    t += ms;
    out.push({ type: 'exit', t, rid, name: m.name, outcome });
  }
  if (status !== null) out.push({ type: 'finish', t, rid, status });
  return out;
}

function overlay(): LiveOverlay {
  const stats = new LiveStats();
  const events = [
    ...walk(
      1,
      1000,
      '/api/users/7',
      [
        [fn('requestId'), 'next', 0],
        [JSON_PARSER, 'next', 1],
        [fn('requireAuth'), 'next', 0],
        [fn('getUser'), 'response', 12],
      ],
      200,
    ),
    ...walk(
      2,
      2000,
      '/api/users/8?full=1',
      [
        [fn('requestId'), 'next', 0],
        [JSON_PARSER, 'next', 0],
        [fn('requireAuth'), 'pending', 300],
      ],
      null,
    ),
    {
      type: 'finding',
      t: 2300,
      rid: 2,
      kind: 'unterminated-middleware',
      method: 'GET',
      url: '/api/users/8?full=1',
      middleware: fn('requireAuth'),
      message: 'requireAuth stopped the chain',
    } as const,
  ];
  for (const e of events) stats.accept('s1', e);
  return new LiveOverlay(stats.snapshot());
}

const find = (nodes: ChainNode[], label: string) => nodes.find((n) => n.label === label)!;

test('items: a count and the last duration; where a request stopped, its icon and why', () => {
  const [appNode] = buildChainTree([{ root, name: 'cjs-basic', analysis }], overlay());
  const r = find(appNode!.children, 'GET /api/users/:id');
  const [requestId, json, auth, getUser] = r.children;
  assert.equal(requestId!.description, 'middleware · 2× · <1 ms');
  // package middleware, by its position in the chain that ran
  assert.equal(json!.label, '2. express.json()');
  assert.equal(json!.description, 'middleware · 2× · <1 ms');
  assert.equal(getUser!.description, 'handler · 1× · 12 ms');
  assert.equal(getUser!.live, 'ran');
  assert.equal(getUser!.icon, 'symbol-event');
  assert.match(getUser!.tooltip!, /\nLive: 1 call, last took 12 ms \(response 1\)$/);

  assert.equal(auth!.description, 'middleware · 2× · 300 ms');
  assert.equal(auth!.live, 'stopped');
  assert.equal(auth!.icon, STOPPED_ICON);
  assert.match(
    auth!.tooltip!,
    /\nLive: 2 calls, last took 300 ms \(next 1, pending 1\)\nGET \/api\/users\/8\?full=1 stopped here: unterminated-middleware \(requireAuth stopped the chain\)$/,
  );
  // the error handler never ran
  const onError = find(r.children, 'On error');
  assert.equal(onError.children[0]!.live, undefined);
  assert.equal(onError.children[0]!.description, 'errorHandler');
});

test("routes: the last request's status, recent requests in the tooltip", () => {
  const [appNode] = buildChainTree([{ root, name: 'cjs-basic', analysis }], overlay());
  const r = find(appNode!.children, 'GET /api/users/:id');
  assert.equal(r.description, '4 items · last: running, stopped at requireAuth (unterminated-middleware)');
  assert.equal(r.icon, STOPPED_ICON);
  assert.equal(r.live, 'stopped');
  assert.equal(
    r.tooltip,
    [
      'GET /api/users/8?full=1 → running: requestId → jsonParser → requireAuth; stopped at requireAuth: unterminated-middleware',
      'GET /api/users/7 → 200 in 13 ms: requestId → jsonParser → requireAuth → getUser',
    ].join('\n'),
  );
  // routes no request reached: as without the overlay; so is the catch-all
  const list = find(appNode!.children, 'GET /api/users');
  assert.equal(list.description, '4 items');
  assert.equal(list.live, undefined);
  assert.equal(find(appNode!.children, 'ALL /').description, '3 items · catch-all');
  // requestId ran for that route too: per function, wherever it is in the tree
  assert.equal(list.children[0]!.description, 'middleware · 2× · <1 ms');
});

test('an overlay with nothing in it, or none, leaves the tree as it was', () => {
  const plain = buildChainTree([{ root, name: 'cjs-basic', analysis }]);
  const empty = buildChainTree(
    [{ root, name: 'cjs-basic', analysis }],
    new LiveOverlay({ sessions: 1, middleware: [], requests: [], dropped: 0 }),
  );
  assert.deepEqual(empty, plain);
});
